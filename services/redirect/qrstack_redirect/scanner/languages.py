"""The scanner's preferred language from `Accept-Language` (RFC 9110 §12.5.4)."""

from __future__ import annotations

import sys

_MAX_RANGES = 32  # more language ranges than any browser sends: the rest is ignored


def _quality(params: str) -> float | None:
    """The `q` weight among `;`-separated parameters: 1 when absent, `None` when malformed."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value.strip())
            except ValueError:
                return None
            return weight if 0.0 <= weight <= 1.0 else None
    return 1.0


def primary_language(accept_language: str) -> str | None:
    """The primary subtag (lower case, e.g. `"de"` for `de-CH`) of the most preferred
    language range: highest `q`, the earliest on ties. `*`, ranges with `q=0`, malformed
    entries and subtags that are not 2–8 ASCII letters are skipped; `None` if none is left."""
    best: str | None = None
    best_weight = 0.0
    for entry in accept_language.split(",", _MAX_RANGES)[:_MAX_RANGES]:
        tag, _, params = entry.partition(";")
        primary = tag.strip().partition("-")[0].partition("_")[0]
        if not (2 <= len(primary) <= 8 and primary.isascii() and primary.isalpha()):
            continue
        weight = _quality(params) if params else 1.0
        if weight is None or weight <= best_weight:
            continue
        best, best_weight = primary, weight
        if weight == 1.0:
            break  # nothing later can beat the first range at full weight
    return sys.intern(best.lower()) if best is not None else None

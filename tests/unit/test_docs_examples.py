"""The shell examples of README.md and docs/ run as written and print only what they show:
every curl is silent (no progress meter mixed into the output a reader compares)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def _curl_commands(text: str) -> list[str]:
    joined = text.replace("\\\n", " ")
    return [m.group(0) for m in re.finditer(r"(?m)(?<![\w-])curl\s[^\n]*", joined)]


def _silent(command: str) -> bool:
    try:
        words = shlex.split(command.split("|")[0].split(")")[0], posix=True)
    except ValueError:
        words = command.split()
    short = [w for w in words if re.fullmatch(r"-[A-Za-z]+", w)]
    return "--silent" in words or any("s" in w for w in short)


def test_every_curl_example_is_silent() -> None:
    loud = [
        f"{page.relative_to(ROOT)}: {command.strip()[:80]}"
        for page in PAGES
        for command in _curl_commands(page.read_text())
        if not _silent(command)
    ]
    assert not loud, "add -s (or -sS) to:\n" + "\n".join(loud)

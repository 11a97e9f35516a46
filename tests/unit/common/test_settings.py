"""`setting(ENV, default)`: a field read from its environment variable, then from any `also`
names, then from one named like the field; set in code by the field's name."""

from __future__ import annotations

import pytest

from qrstack_common.settings import ServiceSettings, setting


class Sample(ServiceSettings):
    port: int = setting("SAMPLE_PORT", 1, ge=1)
    secret: str | None = setting("SAMPLE_SECRET", None, also=("LEGACY_SECRET",))


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SAMPLE_PORT", "PORT", "SAMPLE_SECRET", "LEGACY_SECRET", "SECRET"):
        monkeypatch.delenv(name, raising=False)


def test_the_environment_variable_is_read_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMPLE_PORT", "8080")
    monkeypatch.setenv("PORT", "9090")
    assert Sample().port == 8080


def test_then_the_other_names_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET", "by field name")
    assert Sample().secret == "by field name"
    monkeypatch.setenv("LEGACY_SECRET", "legacy")
    assert Sample().secret == "legacy"
    monkeypatch.setenv("PORT", "9090")
    assert Sample().port == 9090


def test_code_sets_a_field_by_its_name_and_bounds_hold() -> None:
    assert Sample(port=3).port == 3
    assert Sample().port == 1
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        Sample(port=0)

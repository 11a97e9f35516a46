"""A missing machine tool stops the launcher with a message that says what to install."""

from __future__ import annotations

from pathlib import Path

import pytest

from qrstack_launcher import tools
from qrstack_launcher.kafka import _cluster_id


@pytest.mark.parametrize(
    ("find", "package"),
    [(tools.java_binary, "openjdk-17-jre-headless"), (tools.maven_binary, "maven")],
)
def test_missing_java_or_maven_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, find: object, package: str
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(tools.MissingToolError, match=f"apt-get install {package}"):
        find()  # type: ignore[operator]


def test_pg_bindir_override_is_honoured_when_it_holds_the_binaries(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("initdb", "postgres"):
        (tmp_path / name).write_text("#!/bin/sh\n")
    monkeypatch.setenv("PG_BINDIR", str(tmp_path))
    assert tools.postgres_bindir() == tmp_path


def test_kafka_cluster_id_is_22_base64url_characters_and_stable() -> None:
    ids = [_cluster_id(f"/data/{n}") for n in range(2000)]
    assert not [i for i in ids if i[0] in "-_"]  # a leading '-' reads as an option
    first = _cluster_id("/data/a")
    assert len(first) == 22
    assert first == _cluster_id("/data/a") != _cluster_id("/data/b")
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

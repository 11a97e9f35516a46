"""Apache Kafka's runtime jars from Maven Central, without Maven.

`locks/kafka-<version>.txt` pins every jar of the broker's runtime classpath (what Maven's
`dependency:copy-dependencies` resolves for `org.apache.kafka:kafka_2.13` plus a log4j binding)
as `group:artifact:version size sha256`. Each is downloaded once into the cache, checked against
its size and digest, and the directory is marked complete only when all are in place.
`MAVEN_REPOSITORY_URL` points the download at a mirror; by default it is Maven Central's
address as the `maven-artifact` package knows it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import threading
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from maven_artifact.artifact import Artifact
from maven_artifact.resolver import Resolver

LOCKS = Path(__file__).parent / "locks"


@dataclass(frozen=True)
class PinnedJar:
    group: str
    artifact: str
    version: str
    size: int
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.artifact}-{self.version}.jar"

    def url(self, repository: str) -> str:
        return str(Artifact(self.group, self.artifact, self.version).uri(repository))


def pinned_jars(version: str) -> list[PinnedJar]:
    lock = LOCKS / f"kafka-{version}.txt"
    if not lock.is_file():
        raise RuntimeError(f"no pinned jar list for Apache Kafka {version} ({lock.name})")
    jars = []
    for line in lock.read_text().splitlines():
        coordinates, size, digest = line.split()
        group, artifact, jar_version = coordinates.split(":")
        jars.append(PinnedJar(group, artifact, jar_version, int(size), digest))
    return jars


def repository_url() -> str:
    return (os.environ.get("MAVEN_REPOSITORY_URL") or str(Resolver.default().base)).rstrip("/")


class Progress:
    """One line of download progress: redrawn in place on a terminal, every quarter elsewhere."""

    def __init__(self, label: str, total: int, out: Callable[[str], None] | None = None) -> None:
        self.label, self.total, self.done = label, total, 0
        self._lock = threading.Lock()
        self._tty = out is None and sys.stdout.isatty()
        self._out = out or (lambda text: print(text, end="", flush=True))
        self._last_quarter = -1

    def add(self, count: int) -> None:
        with self._lock:
            self.done += count
            percent = 100 * self.done // max(self.total, 1)
            text = f"{self.label}: {self.done / 1e6:5.1f} / {self.total / 1e6:.1f} MB ({percent}%)"
            if self._tty:
                self._out(f"\r  {text}")
            elif percent // 25 > self._last_quarter:
                self._last_quarter = percent // 25
                self._out(f"  {text}\n")

    def finish(self) -> None:
        if self._tty:
            self._out("\n")


def _download(jar: PinnedJar, repository: str, into: Path, progress: Progress) -> None:
    digest = hashlib.sha256()
    size = 0
    target = into / jar.filename
    with urllib.request.urlopen(jar.url(repository), timeout=60) as answer, target.open("wb") as f:  # noqa: S310
        while chunk := answer.read(256 * 1024):
            f.write(chunk)
            digest.update(chunk)
            size += len(chunk)
            progress.add(len(chunk))
    if size != jar.size or digest.hexdigest() != jar.sha256:
        raise RuntimeError(
            f"{jar.group}:{jar.artifact}:{jar.version} from {repository} does not match its pin "
            f"({size} bytes, sha256 {digest.hexdigest()}; expected {jar.size}, {jar.sha256})"
        )


def fetch_jars(
    jars: list[PinnedJar], lib: Path, label: str, out: Callable[[str], None] | None = None
) -> int:
    """Download `jars` into `lib` (replaced whole, atomically); returns the bytes fetched."""
    repository = repository_url()
    work = lib.parent / f".{lib.name}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    progress = Progress(label, sum(jar.size for jar in jars), out)
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            for future in [pool.submit(_download, jar, repository, work, progress) for jar in jars]:
                future.result()
        progress.finish()
        if lib.exists():
            shutil.rmtree(lib)
        work.rename(lib)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return progress.done

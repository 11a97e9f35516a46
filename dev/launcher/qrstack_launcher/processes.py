"""Child processes the launcher owns: started with their output in a log file, stopped in
order, and killed by the kernel if the launcher itself dies (PR_SET_PDEATHSIG), so nothing is
left running."""

from __future__ import annotations

import asyncio
import ctypes
import logging
import os
import pwd
import signal
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def _child_setup(user: str | None) -> Callable[[], None]:
    uid = gid = None
    if user is not None:
        entry = pwd.getpwnam(user)
        uid, gid = entry.pw_uid, entry.pw_gid

    def setup() -> None:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        os.setsid()  # own process group: the terminal's Ctrl-C reaches only the launcher
        if gid is not None and uid is not None:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)

    return setup


class ManagedProcess:
    """One long-running child process."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        log_path: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        user: str | None = None,
        stop_signal: signal.Signals = signal.SIGTERM,
        stop_timeout: float = 20.0,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self.user = user
        self.stop_signal = stop_signal
        self.stop_timeout = stop_timeout
        self.process: asyncio.subprocess.Process | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                preexec_fn=_child_setup(self.user),
            )
        log.info("started %s (pid %s), log %s", self.name, self.process.pid, self.log_path)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def check_alive(self) -> None:
        """Raise with the log tail if the process has exited."""
        if self.process is not None and self.process.returncode is not None:
            raise RuntimeError(
                f"{self.name} exited with code {self.process.returncode}; "
                f"last lines of {self.log_path}:\n{self.log_tail()}"
            )

    async def stop(self) -> None:
        """Signal the process and wait; kill it if it does not stop in time."""
        proc = self.process
        if proc is None or proc.returncode is not None:
            return
        try:
            proc.send_signal(self.stop_signal)
            await asyncio.wait_for(proc.wait(), self.stop_timeout)
        except ProcessLookupError:
            return
        except TimeoutError:
            log.warning("%s did not stop in %.0fs; killing it", self.name, self.stop_timeout)
            proc.kill()
            await proc.wait()
        log.info("stopped %s (exit %s)", self.name, proc.returncode)


async def wait_until(
    probe: Callable[[], object], *, what: str, timeout: float, owner: ManagedProcess | None = None
) -> None:
    """Poll an async or sync probe until it returns truthy; raise TimeoutError with `what`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last_error: BaseException | None = None
    while loop.time() < deadline:
        if owner is not None:
            owner.check_alive()
        try:
            result = probe()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
        except Exception as exc:  # the probe fails until the component is up
            last_error = exc
        await asyncio.sleep(0.1)
    tail = f"\nlast lines of its log:\n{owner.log_tail()}" if owner else ""
    raise TimeoutError(f"{what} not ready after {timeout:.0f}s ({last_error!r}){tail}")

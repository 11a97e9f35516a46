"""`make fresh-check`: the README's two commands on a machine that has only Python and make.

A copy of the working tree runs in a throwaway HOME with a PATH that holds no PostgreSQL, Java
or Maven (the machine's own are hidden, not removed, and the launcher is told to ignore system
installs), so everything else must come through the project's install step. It runs `make run`
to ready, creates a code through the API, decodes the code's PNG with zxing-cpp and scans the
decoded URL on the redirect service; then stops and does it again warm. It prints how long each
step took and what was fetched; `--with-tests` then runs `make test` in the same tree.

pip's download cache is the machine's unless `--cold-pip` (then every wheel is downloaded
again, about 1 GB); Kafka's jars are always fetched anew (the cache lives in the new HOME).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import zxingcpp
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
HIDDEN_PREFIXES = ("java", "pg_", "mvn", "kafka", "jshell", "keytool")
HIDDEN = {"postgres", "initdb", "psql", "clusterdb", "createdb", "dropdb", "jar", "javac"}
PHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
READY_TIMEOUT_S = 300


def say(text: str) -> None:
    print(f"[fresh-check] {text}", flush=True)


def bare_path(root: Path) -> Path:
    """A PATH directory with the machine's programs minus PostgreSQL, Java and Maven."""
    bindir = root / "bin"
    bindir.mkdir()
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or not Path(directory).is_dir() or ".pyenv" in directory:
            continue
        for entry in Path(directory).iterdir():
            name = entry.name
            if name in HIDDEN or name.startswith(HIDDEN_PREFIXES) or (bindir / name).exists():
                continue
            if entry.is_file() and os.access(entry, os.X_OK):
                (bindir / name).symlink_to(entry)
    for name in ("python3", "python"):  # this interpreter, not a shim
        (bindir / name).unlink(missing_ok=True)
        (bindir / name).symlink_to(Path(getattr(sys, "_base_executable", sys.executable)).resolve())
    for tool in ("pg_ctl", "java", "mvn", "initdb", "postgres"):
        assert shutil.which(tool, path=str(bindir)) is None, tool
    return bindir


def copy_tree(target: Path) -> None:
    """The working tree's files (tracked and new, not ignored): what a clone would hold."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "-co", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(root: Path, bindir: Path, cold_pip: bool) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"JAVA_HOME", "PG_BINDIR", "QRSTACK_CACHE_DIR", "XDG_CACHE_HOME"}
        and not k.startswith(("VIRTUAL_ENV", "PYENV", "MAKE", "MFLAGS"))
    }
    env.update(HOME=str(root / "home"), PATH=str(bindir), QRSTACK_NO_SYSTEM_TOOLS="1")
    if not cold_pip:
        env["PIP_CACHE_DIR"] = str(Path.home() / ".cache" / "pip")
    for service in ("API", "REDIRECT", "RENDERER", "ANALYTICS"):
        env[f"{service}_PORT"] = str(free_port())
    return env


def timed(command: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    started = time.monotonic()
    with log.open("ab") as out:
        done = subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.stdout.write(log.read_text()[-4000:])
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode})")
    return time.monotonic() - started


class Run:
    """`make run` in its own process group, until it wrote .run/stack.json."""

    def __init__(self, cwd: Path, env: dict[str, str], log: Path) -> None:
        self.cwd, self.log = cwd, log
        (cwd / ".run" / "stack.json").unlink(missing_ok=True)
        self.started = time.monotonic()
        self.out = log.open("ab")
        self.process = subprocess.Popen(
            ["make", "run"], cwd=cwd, env=env, stdout=self.out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def ready(self) -> tuple[float, dict[str, str]]:
        stack = self.cwd / ".run" / "stack.json"
        while time.monotonic() - self.started < READY_TIMEOUT_S:
            if self.process.poll() is not None:
                sys.stdout.write(self.log.read_text()[-4000:])
                raise SystemExit(f"make run exited with {self.process.returncode}")
            if stack.exists() and stack.stat().st_size:
                return time.monotonic() - self.started, json.loads(stack.read_text())
            time.sleep(0.1)
        self.stop()
        raise SystemExit(f"make run was not ready within {READY_TIMEOUT_S}s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.out.close()


def call(url: str, key: str, body: dict[str, object] | None = None) -> bytes:
    request = urllib.request.Request(  # noqa: S310 - loopback URLs of the stack just started
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return bytes(answer.read())


class _NoFollow(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def scan(stack: dict[str, str], code_id: str, target: str) -> str:
    """Decode the code's PNG and scan what it holds as a phone; returns the Location."""
    png = call(f"{stack['api']}/v1/codes/{code_id}.png?size=400", stack["api_key"])
    path = Path(tempfile.mkstemp(suffix=".png")[1])
    path.write_bytes(png)
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(path))]
    path.unlink()
    assert len(decoded) == 1 and decoded[0].startswith(stack["redirect"]), decoded
    opener = urllib.request.build_opener(_NoFollow)
    phone = urllib.request.Request(decoded[0], headers={"User-Agent": PHONE})  # noqa: S310
    status, location, deadline = 404, "", time.monotonic() + 60
    # A new code reaches the redirect tier through the outbox and Kafka: 404 until it arrives.
    while status == 404 and time.monotonic() < deadline:
        try:
            opener.open(phone, timeout=30)
        except urllib.error.HTTPError as answer:
            status, location = answer.code, str(answer.headers["Location"])
        if status == 404:
            time.sleep(0.2)
    if (status, location) != (302, target):
        raise SystemExit(f"scanning {decoded[0]} answered {status} {location!r}, not 302 {target}")
    return f"{decoded[0]} -> 302 {location}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-pip", action="store_true", help="an empty pip cache too")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway directory")
    parser.add_argument(
        "--with-tests", action="store_true", help="then `make test` in the same fresh tree"
    )
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="qrstack-fresh-"))
    root.chmod(0o755)  # PostgreSQL's unprivileged user reaches its data directory in it
    repo, log = root / "repo", root / "fresh-check.log"
    try:
        (root / "home").mkdir()
        copy_tree(repo)
        bindir = bare_path(root)
        env = environment(root, bindir, args.cold_pip)
        say(f"in {root}: HOME={env['HOME']}, no pg_ctl/java/mvn on PATH, system tools ignored")
        install_s = timed(["make", "install"], repo, env, log)
        say(f"make install (venv, wheels, Kafka jars): {install_s:.1f}s")
        run = Run(repo, env, log)
        try:
            cold_s, stack = run.ready()
            say(f"make run ready (cold: first start, initdb, topics): {cold_s:.1f}s")
            target = "https://example.com/fresh-check"
            created = call(f"{stack['api']}/v1/codes", stack["api_key"], {"targetUrl": target})
            code = json.loads(created)
            say(f"scanned: {scan(stack, code['id'], target)}")
        finally:
            run.stop()
        run = Run(repo, env, log)
        try:
            warm_s, stack = run.ready()
            say(f"make run ready (warm: second start): {warm_s:.1f}s")
            say(f"scanned after restart: {scan(stack, code['id'], target)}")
        finally:
            run.stop()
        if args.with_tests:
            test_env = {k: v for k, v in env.items() if not k.endswith("_PORT")}
            tests_s = timed(["make", "test"], repo, test_env, log)
            summary = [line for line in log.read_text().splitlines() if " passed" in line]
            say(f"make test passed in {tests_s:.1f}s: {summary[-1].strip() if summary else ''}")
        fetched = [line.strip() for line in log.read_text().splitlines() if "  " in line and (
            "wheel:" in line or "jars" in line or "Python packages installed" in line)]  # fmt: skip
        for line in fetched:
            say(f"  {line}")
        say(
            f"time to ready: cold {install_s + cold_s:.1f}s (install {install_s:.1f}s + first "
            f"start {cold_s:.1f}s), warm {warm_s:.1f}s; pip cache "
            f"{'empty' if args.cold_pip else 'the machine’s'}"
        )
        say("passed")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

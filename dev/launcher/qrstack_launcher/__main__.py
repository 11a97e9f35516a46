"""`python -m qrstack_launcher` — the embedded platform without Docker.

    python -m qrstack_launcher run     PostgreSQL + Kafka + chDB + the five services, a demo
                                       account, `.run/stack.json`; Ctrl-C stops everything.
    python -m qrstack_launcher infra   only PostgreSQL and Kafka; prints their addresses.
    python -m qrstack_launcher install checks PostgreSQL and Java, downloads Kafka's jars once.

Data is kept under `.run/` (QRSTACK_RUN_DIR) between runs; delete it to start afresh.
Service ports default to 8000-8004 and follow API_PORT, REDIRECT_PORT, RENDERER_PORT,
ANALYTICS_PORT and WEBHOOKS_PORT.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from qrstack_common import codec
from qrstack_launcher.demo import create_demo_account
from qrstack_launcher.ports import port_is_free, preferred_or_free
from qrstack_launcher.prerequisites import ensure_prerequisites
from qrstack_launcher.stack import (
    DEFAULT_PORTS,
    SERVICES,
    Infrastructure,
    Platform,
    default_cache_dir,
)
from qrstack_launcher.tools import MissingToolError

log = logging.getLogger("qrstack_launcher")


def _service_ports() -> dict[str, int]:
    ports = {}
    for service in SERVICES:
        port = int(os.environ.get(f"{service.upper()}_PORT", DEFAULT_PORTS[service]))
        if not port_is_free(port):
            raise SystemExit(
                f"port {port} for the {service} service is in use; stop what holds it or set "
                f"{service.upper()}_PORT to another port"
            )
        ports[service] = port
    return ports


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def start_infrastructure(run_dir: Path) -> Infrastructure:
    """PostgreSQL and Kafka on stable addresses for the data `make run` keeps in .run/ when
    those ports are free; on free ones when another program took a port between the check and
    the bind (a machine shared by several stacks)."""
    infra = Infrastructure(
        run_dir, durable=True, pg_port=preferred_or_free(55432), kafka_port=preferred_or_free(59092)
    )
    try:
        await infra.start()
    except RuntimeError as exc:
        if "Address already in use" not in str(exc):
            raise
        print("a preferred port was taken meanwhile; starting on free ports ...", flush=True)
        infra = Infrastructure(run_dir, durable=True)
        await infra.start()
    return infra


async def run_platform(run_dir: Path) -> None:
    started = time.monotonic()
    ports = _service_ports()
    ensure_prerequisites(default_cache_dir())
    print(f"starting PostgreSQL and Kafka under {run_dir}/ ...", flush=True)
    infra = await start_infrastructure(run_dir)
    platform = Platform(infra, ports=ports)
    try:
        print(
            "starting the api, redirect, renderer, analytics and webhooks services ...", flush=True
        )
        await platform.start()
        try:
            demo = await create_demo_account(platform.service_env())
            stack: dict[str, Any] = {
                "api": platform.url("api"),
                "redirect": platform.url("redirect"),
                "renderer": platform.url("renderer"),
                "analytics": platform.url("analytics"),
                "webhooks": platform.url("webhooks"),
                "console": platform.url("api") + "/console/",
                "api_key": demo["api_key"],
                "workspace_id": demo["workspace_id"],
                "email": demo["email"],
                "password": demo["password"],
                "database_url": infra.database_url,
                "kafka_bootstrap_servers": infra.kafka_bootstrap,
                "chdb_path": str(infra.chdb_path),
                "logs": str(run_dir / "logs"),
            }
            stack_file = run_dir / "stack.json"
            stack_file.write_bytes(codec.dumps(stack) + b"\n")
            stack_file.chmod(0o600)
            _print_summary(stack, stack_file, time.monotonic() - started)
            await _until_signalled()
            print("\nstopping ...", flush=True)
        finally:
            await platform.stop()
    finally:
        await infra.stop()
        (run_dir / "stack.json").unlink(missing_ok=True)
    print("stopped; nothing is left running.", flush=True)


def _print_summary(stack: dict[str, Any], stack_file: Path, seconds: float) -> None:
    lines = [
        f"qrstack is up ({seconds:.1f}s). Ctrl-C stops everything.",
        f"  API        {stack['api']}",
        f"  redirect   {stack['redirect']}",
        f"  renderer   {stack['renderer']}",
        f"  analytics  {stack['analytics']}",
        f"  webhooks   {stack['webhooks']}",
        f"  console    {stack['console']}  (sign in with the login below)",
        f"  API key    {stack['api_key']}",
        f"  login      {stack['email']} / {stack['password']}",
        f"  details    {stack_file}",
    ]
    print("\n".join(lines), flush=True)


async def run_infra(run_dir: Path) -> None:
    infra = await start_infrastructure(run_dir)
    try:
        for key, value in infra.env().items():
            print(f"{key}={value}", flush=True)
        await _until_signalled()
    finally:
        await infra.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qrstack_launcher")
    parser.add_argument("command", choices=("run", "infra", "install"))
    parser.add_argument(
        "--run-dir", type=Path, default=Path(os.environ.get("QRSTACK_RUN_DIR", ".run"))
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    run_dir: Path = args.run_dir.resolve()
    try:
        if args.command == "install":
            ensure_prerequisites(default_cache_dir())
        else:
            asyncio.run(run_platform(run_dir) if args.command == "run" else run_infra(run_dir))
    except MissingToolError as exc:
        sys.exit(f"error: {exc}")


if __name__ == "__main__":
    main()

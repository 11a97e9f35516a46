"""`python -m qrstack_launcher run` (what `make run` calls) brings the platform up, writes
`.run/stack.json` with a working key and login, and leaves nothing running after SIGINT."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from qrstack_common import codec
from qrstack_launcher.ports import free_port

pytestmark = pytest.mark.e2e


async def test_run_writes_stack_json_and_stops_cleanly(infra_root: Path) -> None:
    run_dir = infra_root / "make-run"
    env = dict(os.environ)
    for service in ("API", "REDIRECT", "RENDERER", "ANALYTICS"):
        env[f"{service}_PORT"] = str(free_port())
    launcher = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "qrstack_launcher", "run", "--run-dir", str(run_dir),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    stack_file = run_dir / "stack.json"
    try:
        async with asyncio.timeout(180):
            while not stack_file.exists():
                assert launcher.returncode is None, "the launcher exited early"
                await asyncio.sleep(0.2)
        stack = codec.loads(stack_file.read_bytes())
        assert stack["api"] == f"http://127.0.0.1:{env['API_PORT']}"
        assert stack["api_key"].startswith("qr_test_")
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{stack['api']}/v1/codes",
                json={"targetUrl": "https://example.com/"},
                headers={"Authorization": f"Bearer {stack['api_key']}"},
            ) as response:
                assert response.status == 201
            for service in ("redirect", "renderer", "analytics", "webhooks"):
                async with session.get(f"{stack[service]}/readyz") as response:
                    assert response.status == 200, service
            async with session.get(stack["console"]) as response:
                assert response.status == 200  # the sign-in page (no session yet)
                assert "Sign in" in await response.text()
    finally:
        launcher.send_signal(signal.SIGINT)
        output, _ = await asyncio.wait_for(launcher.communicate(), 120)
    assert launcher.returncode == 0, output.decode(errors="replace")
    assert b"nothing is left running" in output
    assert not stack_file.exists()
    leftovers = [
        line
        for line in (await _ps()).splitlines()
        if str(run_dir) in line or f":{env['API_PORT']}" in line
    ]
    assert leftovers == []


async def _ps() -> str:
    proc = await asyncio.create_subprocess_exec(
        "ps", "-eo", "pid,args", stdout=asyncio.subprocess.PIPE
    )
    out, _ = await proc.communicate()
    return out.decode()

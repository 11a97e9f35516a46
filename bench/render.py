"""Renderer throughput, side by side with segno in one run.

    .venv/bin/python bench/render.py [--seconds 1.0] [--http-seconds 5] [--no-http]

Rows (images/s and ms per image, single thread):
- baseline: `segno.make(...).save(png, scale=10)`, segno's own encoder and PNG writer;
- ours, cold: `render(spec)` for plain and styled codes in every format (every iteration
  encodes a different payload, so nothing is reused);
- ours, cached through HTTP: `python -m qrstack_renderer` answering a cached GET, measured
  with wrk (-t1 -c64) when it is installed, else with an aiohttp client.
Targets from the issue: cold plain PNG ≥ 3× segno's PNG, styled PNG ≤ 10 ms, cached ≥ 10,000
images/s over HTTP. No assertion: the script reports what it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import segno

from qrstack_renderer import RenderSpec, render

URL = "https://qrstack.example/c/autumn-menu-{i:06d}"
STYLED: dict[str, Any] = {
    "pattern": "rounded",
    "corners": "extra-rounded",
    "gradient": {"type": "linear", "from": "#0d47a1", "to": "#6a1b9a", "angle": 45},
    "eyeInner": "#c62828",
}
FRAMED: dict[str, Any] = {**STYLED, "frame": "rounded", "ctaText": "SCAN ME", "pattern": "dots"}


def rate(work: Callable[[int], object], seconds: float) -> tuple[float, float]:
    """Run `work(i)` for about `seconds`; images per second and ms per image."""
    work(0)
    count, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(10):
            count += 1
            work(count)
    return count / elapsed, elapsed / count * 1000


def segno_png(i: int) -> bytes:
    out = io.BytesIO()
    segno.make(URL.format(i=i), error="m", boost_error=False).save(out, kind="png", scale=10)
    return out.getvalue()


def ours(fmt: str, style: dict[str, Any]) -> Callable[[int], object]:
    def work(i: int) -> object:
        spec = RenderSpec.model_validate(
            {"data": URL.format(i=i), "format": fmt, "scale": 10, "style": style}
        )
        return render(spec).body

    return work


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _client_load(url: str, seconds: float, connections: int = 64) -> float:
    import aiohttp

    done = 0
    deadline = time.perf_counter() + seconds
    async with aiohttp.ClientSession() as session:

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < deadline:
                async with session.get(url) as response:
                    await response.read()
                done += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        return done / (time.perf_counter() - start)


def http_cached(seconds: float) -> tuple[str, float]:
    """Cached GET throughput of a real renderer process: (tool, requests per second)."""
    port = _free_port()
    env = {**os.environ, "RENDERER_PORT": str(port), "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "qrstack_renderer"], env=env)
    url = f"http://127.0.0.1:{port}/v1/render?data=https%3A%2F%2Fqrstack.example%2Fc%2Fx&format=png"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        asyncio.run(_client_load(url, 0.3, 4))  # warm: the first request renders
        wrk = shutil.which("wrk")
        if wrk:
            out = subprocess.run(
                [wrk, "-t1", "-c64", f"-d{int(seconds)}s", url],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            match = re.search(r"Requests/sec:\s+([\d.]+)", out)
            return "wrk -t1 -c64", float(match.group(1)) if match else 0.0
        return "aiohttp client, 64 connections", asyncio.run(_client_load(url, seconds))
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=1.0, help="per in-process row")
    parser.add_argument("--http-seconds", type=float, default=5.0)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()

    rows: list[tuple[str, str, float, float]] = []
    base_rate, base_ms = rate(segno_png, args.seconds)
    rows.append(("segno make + save PNG (baseline)", "png", base_rate, base_ms))
    for fmt in ("png", "svg", "pdf", "jpeg", "webp"):
        for name, style in (("plain", {}), ("styled", STYLED), ("styled + frame", FRAMED)):
            r, ms = rate(ours(fmt, style), args.seconds)
            rows.append((f"ours cold, {name}", fmt, r, ms))
    print(f"{'render':<38} {'format':<6} {'images/s':>10} {'ms/image':>9} {'vs segno':>9}")
    for name, fmt, r, ms in rows:
        print(f"{name:<38} {fmt:<6} {r:>10,.0f} {ms:>9.2f} {r / base_rate:>8.1f}×")
    if not args.no_http:
        tool, rps = http_cached(args.http_seconds)
        print(f"{'ours cached, HTTP GET (' + tool + ')':<38} {'png':<6} {rps:>10,.0f} "
              f"{1000 / rps if rps else 0:>9.3f} {rps / base_rate:>8.1f}×")  # fmt: skip


if __name__ == "__main__":
    main()

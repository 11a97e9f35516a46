"""docs/mcp.md's examples run as written against the real processes: the Python SDK example
(from a directory holding the `.run/stack.json` that `make run` writes) prints what the page
shows and writes a PNG that decodes to the Wi-Fi code; the curl call lists the tools."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from qrstack_launcher.stack import Platform
from support.accounts import new_workspace

pytestmark = pytest.mark.e2e

PAGE = Path(__file__).resolve().parents[4] / "docs" / "mcp.md"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", PAGE.read_text(), re.S)


async def _run(*command: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    process = await asyncio.create_subprocess_exec(
        *command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_the_python_example_prints_what_the_page_shows(
    platform: Platform, tmp_path: Path
) -> None:
    ws = await new_workspace(platform.infra.database_url)
    (tmp_path / ".run").mkdir()
    stack = {"api": platform.url("api"), "api_key": ws.api_key}
    (tmp_path / ".run" / "stack.json").write_text(json.dumps(stack))
    [example] = _blocks("python")
    (tmp_path / "example.py").write_text(example)
    printed = await _run(sys.executable, "example.py", cwd=tmp_path)

    shown = next(block for block in _blocks("text") if block.startswith("tools:"))
    pattern = "".join(
        ".+" if part == "…" else re.escape(part) for part in re.split("(…)", shown.strip())
    )
    assert re.fullmatch(pattern, printed.strip()), printed
    [decoded] = zxingcpp.read_barcodes(Image.open(tmp_path / "wifi.png"))
    assert decoded.text == "WIFI:T:WPA;S:Cafe;P:espresso42;;"


async def test_the_curl_call_lists_the_tools(platform: Platform, tmp_path: Path) -> None:
    ws = await new_workspace(platform.infra.database_url)
    [shell] = [b for b in _blocks("sh") if "tools/list" in b]
    command = shell.split("\n# →")[0].replace("http://127.0.0.1:8000", platform.url("api"))
    printed = await _run("bash", "-c", command, cwd=tmp_path, env={"KEY": ws.api_key})
    answer = json.loads(printed)
    assert answer["id"] == 1
    tools = answer["result"]["tools"]
    assert tools[0]["name"] == "create_code" and tools[0]["title"] == "Create a QR code"
    assert tools[0]["inputSchema"]["properties"]["code"]["$ref"] == "#/$defs/CodeBody"

"""The demo account `make run` creates: a user, a workspace on the top plan and an API key."""

from __future__ import annotations

import asyncio
import secrets
import sys
from typing import Any

from qrstack_common import codec

DEMO_EMAIL = "demo@qrstack.local"
DEMO_WORKSPACE = "Demo workspace"


async def create_demo_account(env: dict[str, str]) -> dict[str, Any]:
    """Run the API's bootstrap command; returns its JSON (workspace_id, email, api_key, ...)
    plus the password, which is new on every run."""
    password = secrets.token_urlsafe(12)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "qrstack_api", "bootstrap",
        "--email", DEMO_EMAIL, "--password", password, "--workspace", DEMO_WORKSPACE,
        "--plan", "business", "--key-name", "make run demo key", "--json",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"creating the demo account failed:\n{err.decode(errors='replace')}")
    made: dict[str, Any] = codec.loads(out.decode().strip().splitlines()[-1])
    made["password"] = password
    return made

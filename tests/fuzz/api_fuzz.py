"""Fuzz the /v1 API from its own OpenAPI document with schemathesis (`make fuzz`).

Starts PostgreSQL, Kafka and the four services on a throwaway directory, creates a workspace on
the business plan with an API key, and runs `schemathesis run` with every check (no 5xx, every
response conforms to the documented schema, status codes and content types) against
/v1/openapi.json. Exits with schemathesis's status.

    python tests/fuzz/api_fuzz.py [--max-examples 25] [extra schemathesis args...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
import tempfile
from pathlib import Path

import asyncpg

from qrstack_api.accounts.bootstrap import bootstrap_workspace
from qrstack_launcher.stack import Infrastructure, Platform


async def main(max_examples: int, extra: list[str]) -> int:
    root = Path(tempfile.mkdtemp(prefix="qrstack-fuzz-"))
    os.chmod(root, 0o755)  # noqa: S103 (PostgreSQL runs as its own user and must reach it)
    infra = Infrastructure(root, durable=False, kafka_heap="768m")
    await infra.start()
    # Fuzzing is thousands of requests from one address, many with bad credentials: lift the
    # limits that would (rightly) answer 429, and configure billing so its webhook is live.
    platform = Platform(
        infra,
        extra_env={
            "API_RATE_LIMIT_AUTHENTICATED": "1000000",
            "API_RATE_LIMIT_ANONYMOUS": "1000000",
            "API_LOGIN_FAILURES_PER_IP": "1000000",
            "API_LOGIN_FAILURES_PER_EMAIL": "1000000",
            "BILLING_WEBHOOK_SECRET": "whsec_" + os.urandom(16).hex(),
        },
    )
    try:
        await platform.start()
        conn = await asyncpg.connect(infra.database_url)
        try:
            made = await bootstrap_workspace(
                conn, email="fuzz@example.com", password=os.urandom(12).hex(),
                workspace_name="Fuzz", plan="business", test=True, key_name="fuzz",
            )  # fmt: skip
        finally:
            await conn.close()
        command = [
            str(Path(sys.executable).parent / "schemathesis"), "run",
            f"{platform.url('api')}/v1/openapi.json",
            "--header", f"Authorization: Bearer {made.api_key}",
            "--checks", "all",
            # Cross-field rules (targetUrl only for url codes, a type's content under its key,
            # a size that fits the data) cannot all be written in a flat schema: valid-looking
            # bodies may be refused with a 400 that names the field, which is correct.
            "--exclude-checks", "positive_data_acceptance",
            "--max-examples", str(max_examples),
            "--request-timeout", "20",
            *extra,
        ]  # fmt: skip
        proc = await asyncio.create_subprocess_exec(*command)
        return await proc.wait()
    finally:
        await platform.stop()
        await infra.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=25)
    args, rest = parser.parse_known_args()
    sys.exit(asyncio.run(main(args.max_examples, rest)))

"""The operator commands: `lock-user`, `unlock-user` and `create-key` of `python -m qrstack_api`
(run in a worker thread, as the process would run them, against the real database)."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from qrstack_api.__main__ import main
from qrstack_launcher.stack import Infrastructure

pytestmark = pytest.mark.infra

Client = TestClient[Any, Any]
NewAccount = Any  # the `new_account` fixture: await new_account(roles) -> Account


@pytest.fixture
def cli(
    infra: Infrastructure, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Any:
    monkeypatch.setenv("DATABASE_URL", infra.database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    async def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        root = logging.getLogger()
        handlers, level = root.handlers[:], root.level  # the command configures logging
        try:
            await asyncio.to_thread(main, list(argv))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        finally:
            root.handlers[:] = handlers
            root.setLevel(level)
        out, err = capsys.readouterr()
        return code, out, err

    return run


async def test_create_key_prints_a_working_secret_once(
    api: Client, new_account: NewAccount, cli: Any
) -> None:
    account = await new_account()
    workspace = str(account.workspaces[0])
    code, out, _ = await cli(
        "create-key", "--workspace-id", workspace, "--scopes", "codes:read", "keys:read", "--json"
    )
    assert code == 0
    made = json.loads(out)
    assert made["workspace_id"] == workspace and made["scopes"] == ["codes:read", "keys:read"]
    response = await api.get("/v1/me", headers={"X-API-Key": made["api_key"]})
    assert response.status == 200
    assert (await response.json())["scopes"] == ["codes:read", "keys:read"]


async def test_create_key_refuses_the_wrong_kind_and_unknown_scopes(
    new_account: NewAccount, cli: Any
) -> None:
    workspace = str((await new_account()).workspaces[0])
    code, out, err = await cli("create-key", "--workspace-id", workspace, "--scopes", "*", "--live")
    assert code == 2 and out == "" and "test workspace: use --test" in err
    code, _, err = await cli("create-key", "--workspace-id", workspace, "--scopes", "codes:all")
    assert code == 2 and "unknown scopes: codes:all" in err


async def test_lock_and_unlock_a_user(api: Client, new_account: NewAccount, cli: Any) -> None:
    account = await new_account()
    code, out, _ = await cli("lock-user", "--email", account.email.upper())
    assert code == 0 and f"user_id: {account.user_id}" in out
    response = await api.get("/v1/me", headers=account.basic)
    assert response.status == 403 and (await response.json())["error"] == "account_locked"
    code, out, _ = await cli("unlock-user", "--email", account.email)
    assert code == 0 and "locked: no" in out
    assert (await api.get("/v1/me", headers=account.basic)).status == 200
    code, _, err = await cli("lock-user", "--email", "nobody@example.com")
    assert code == 2 and "no user" in err


async def test_the_commands_find_the_make_run_stack(
    new_account: NewAccount,
    cli: Any,
    infra: Infrastructure,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Run from the checkout (or below it) of a `make run` stack, without DATABASE_URL."""
    workspace = str((await new_account()).workspaces[0])
    (tmp_path / ".run").mkdir()
    (tmp_path / ".run" / "stack.json").write_text(json.dumps({"database_url": infra.database_url}))
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    monkeypatch.delenv("DATABASE_URL")
    code, out, err = await cli(
        "create-key", "--workspace-id", workspace, "--scopes", "codes:read", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["scopes"] == ["codes:read"]


async def test_an_unreachable_database_is_exit_2_with_a_reason(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://postgres:hunter2@127.0.0.1:9/qrstack")
    code, out, err = await cli(
        "create-key", "--workspace-id", "00000000-0000-0000-0000-000000000001", "--scopes", "*"
    )
    assert code == 2 and out == ""
    assert "cannot use the database at postgresql://postgres@127.0.0.1:9/qrstack" in err
    assert "hunter2" not in err and "Traceback" not in err
    code, _, err = await cli("bootstrap", "--email", "a@example.com", "--password", "pw-12345")
    assert code == 2 and "make run" in err


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("qrstack-api")
    result = subprocess.run([script, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "create-key" in result.stdout

"""`python -m qrstack_api` serves the API; subcommands manage the database.

python -m qrstack_api                  serve (API_HOST, API_PORT)
python -m qrstack_api migrate          apply pending migrations and exit
python -m qrstack_api bootstrap --email E --password P [--workspace N] [--plan P]
                                       [--live] [--json]
                                       create/refresh a user, workspace and a new API key
python -m qrstack_api lock-user --email E      refuse the user's sign-ins, sessions and keys
python -m qrstack_api unlock-user --email E    lift the lock
python -m qrstack_api create-key --workspace-id W --scopes S [S ...] [--live|--test]
                                 [--name N] [--json]
                                       issue an API key; its secret is printed once

Exit status 2 when an admin command cannot be done (the reason is on stderr, no traceback).
Without DATABASE_URL, the commands use the database of the `make run` stack (the
`database_url` of `.run/stack.json` in this directory or a parent). Installed, the same
commands are the `qrstack-api` console script (`.venv/bin/qrstack-api create-key ...`).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from qrstack_api.accounts.admin import AdminError, issue_key, lock_user
from qrstack_api.accounts.bootstrap import bootstrap_workspace
from qrstack_api.app import create_app
from qrstack_api.db.migrate import apply_migrations
from qrstack_api.settings import ApiSettings
from qrstack_common import codec
from qrstack_common.logs import configure_logging
from qrstack_common.serve import serve


async def _bootstrap(settings: ApiSettings, args: argparse.Namespace) -> None:
    await apply_migrations(settings.database_url)
    conn = await asyncpg.connect(settings.database_url)
    try:
        made = await bootstrap_workspace(
            conn,
            email=args.email,
            password=args.password,
            workspace_name=args.workspace,
            plan=args.plan,
            test=not args.live,
            key_name=args.key_name,
        )
    finally:
        await conn.close()
    out = {
        "workspace_id": str(made.workspace_id),
        "user_id": str(made.user_id),
        "email": made.email,
        "api_key": made.api_key,
    }
    if args.json:
        sys.stdout.write(codec.dumps(out).decode() + "\n")
    else:
        for key, value in out.items():
            sys.stdout.write(f"{key}: {value}\n")


def _print(out: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(codec.dumps(out).decode() + "\n")
    else:
        for key, value in out.items():
            shown = " ".join(value) if isinstance(value, list) else value
            sys.stdout.write(f"{key}: {shown}\n")


def stack_file(start: Path) -> Path | None:
    """The `make run` stack's `.run/stack.json` in `start` or a parent, if there is one."""
    for folder in (start, *start.parents):
        candidate = folder / ".run" / "stack.json"
        if candidate.is_file():
            return candidate
    return None


def _admin_settings() -> ApiSettings:
    """The settings of an admin command: the environment's, with the `make run` stack's
    database when DATABASE_URL is not set."""
    if "DATABASE_URL" not in os.environ and (found := stack_file(Path.cwd())) is not None:
        try:
            database_url = codec.loads(found.read_bytes())["database_url"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise _Refused(f"{found} has no usable database_url ({exc!r})") from None
        return ApiSettings(database_url=database_url)
    return ApiSettings()


class _Refused(Exception):
    """An admin command that cannot be done; the message says why."""


def _where(database_url: str) -> str:
    """The database URL without its password, for messages."""
    head, sep, tail = database_url.rpartition("@")
    if not sep:
        return database_url
    scheme, _, credentials = head.partition("://")
    return f"{scheme}://{credentials.split(':')[0]}@{tail}"


def _run_admin(command: str, settings: ApiSettings, work: Any) -> None:
    """Run an admin coroutine; exit 2 with the reason (never a traceback) when it fails."""
    try:
        asyncio.run(work)
    except (AdminError, _Refused) as exc:
        reason = str(exc)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        reason = (
            f"cannot use the database at {_where(settings.database_url)}: {exc}. Start the "
            "platform with `make run` (its .run/stack.json is found from this directory) "
            "or set DATABASE_URL."
        )
    else:
        return
    sys.stderr.write(f"{command}: {reason}\n")
    raise SystemExit(2)


async def _admin(settings: ApiSettings, args: argparse.Namespace) -> None:
    await apply_migrations(settings.database_url)
    conn = await asyncpg.connect(settings.database_url)
    try:
        if args.command in ("lock-user", "unlock-user"):
            user = await lock_user(conn, args.email, locked=args.command == "lock-user")
            locked = user.locked_at.isoformat() if user.locked_at else "no"
            _print({"user_id": str(user.id), "email": user.email, "locked": locked}, args.json)
        else:
            test = True if args.test else (False if args.live else None)
            key = await issue_key(
                conn, workspace_id=args.workspace_id, name=args.name, scopes=args.scopes, test=test
            )
            out = {
                "key_id": str(key.id),
                "workspace_id": str(key.workspace_id),
                "scopes": list(key.scopes),
                "api_key": key.secret,
            }
            _print(out, args.json)
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qrstack_api")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="serve the API (the default)")
    sub.add_parser("migrate", help="apply pending database migrations")
    boot = sub.add_parser("bootstrap", help="create a user, a workspace and an API key")
    boot.add_argument("--email", required=True)
    boot.add_argument("--password", required=True)
    boot.add_argument("--workspace", default="Default workspace")
    boot.add_argument("--plan", choices=("free", "personal", "pro", "business"), default="free")
    boot.add_argument("--live", action="store_true", help="issue a qr_live_ key (default test)")
    boot.add_argument("--key-name", default="bootstrap key")
    boot.add_argument("--json", action="store_true")
    for name, text in (("lock-user", "lock a user"), ("unlock-user", "unlock a user")):
        lock = sub.add_parser(name, help=text)
        lock.add_argument("--email", required=True)
        lock.add_argument("--json", action="store_true")
    key = sub.add_parser("create-key", help="issue an API key (its secret is printed once)")
    key.add_argument("--workspace-id", type=uuid.UUID, required=True)
    key.add_argument("--scopes", nargs="+", required=True, help="e.g. codes:read codes:write, or *")
    kind = key.add_mutually_exclusive_group()
    kind.add_argument("--live", action="store_true", help="a qr_live_ key (live workspace)")
    kind.add_argument("--test", action="store_true", help="a qr_test_ key (test workspace)")
    key.add_argument("--name", default="CLI key")
    key.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    if args.command in ("migrate", "bootstrap", "lock-user", "unlock-user", "create-key"):
        try:
            settings = _admin_settings()
        except _Refused as exc:
            sys.stderr.write(f"{args.command}: {exc}\n")
            raise SystemExit(2) from None
    else:
        settings = ApiSettings()
    configure_logging("api", settings.log_level, settings.log_format)
    if args.command == "migrate":
        _run_admin(args.command, settings, apply_migrations(settings.database_url))
    elif args.command == "bootstrap":
        _run_admin(args.command, settings, _bootstrap(settings, args))
    elif args.command in ("lock-user", "unlock-user", "create-key"):
        _run_admin(args.command, settings, _admin(settings, args))
    else:
        serve(create_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()

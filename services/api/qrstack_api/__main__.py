"""`python -m qrstack_api` serves the API; subcommands manage the database.

python -m qrstack_api                  serve (API_HOST, API_PORT)
python -m qrstack_api migrate          apply pending migrations and exit
python -m qrstack_api bootstrap --email E --password P [--workspace N] [--plan P]
                                       [--live] [--json]
                                       create/refresh a user, workspace and a new API key
"""

from __future__ import annotations

import argparse
import asyncio
import sys

import asyncpg

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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m qrstack_api")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("serve", help="serve the API (the default)")
    sub.add_parser("migrate", help="apply pending database migrations")
    boot = sub.add_parser("bootstrap", help="create a user, a workspace and an API key")
    boot.add_argument("--email", required=True)
    boot.add_argument("--password", required=True)
    boot.add_argument("--workspace", default="Default workspace")
    boot.add_argument("--plan", choices=("free", "pro", "business"), default="free")
    boot.add_argument("--live", action="store_true", help="issue a qr_live_ key (default test)")
    boot.add_argument("--key-name", default="bootstrap key")
    boot.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    settings = ApiSettings()
    configure_logging("api", settings.log_level, settings.log_format)
    if args.command == "migrate":
        asyncio.run(apply_migrations(settings.database_url))
    elif args.command == "bootstrap":
        asyncio.run(_bootstrap(settings, args))
    else:
        serve(create_app(settings), settings.host, settings.port)


if __name__ == "__main__":
    main()

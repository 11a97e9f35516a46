"""Importing rows through the API's own domain: `parse_code_body` validates, `create_code`
writes (with its outbox event), `create_folder` and `create_rule` do the rest, exactly as
their routes do.

Each row answers one of: `invalid` (with the issues, nothing written), `unchanged` (a code
with the same slug, or with the same type, name and content when no slug is given, is
already there: a re-run creates nothing twice), `conflict` (the slug belongs to another
code), `would_create` (dry run) or `created`, and `failed` when the store refused it (plan
limits, a slug taken meanwhile).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from argon2 import PasswordHasher
from pydantic import ValidationError

from qrstack_api.accounts.principal import Principal
from qrstack_api.codes.input import CodeInput, parse_code_body
from qrstack_api.codes.store import create_code
from qrstack_api.folders.model import FolderCreate
from qrstack_api.folders.store import create_folder, list_folders
from qrstack_api.portability.bodies import input_identity, row_identities
from qrstack_api.portability.export import all_codes
from qrstack_api.portability.sources import ImportRow, ImportSource
from qrstack_api.rules.model import RuleCreate
from qrstack_api.rules.store import check_rule, create_rule
from qrstack_common.errors import ApiError, Issue, issues_from_pydantic


def _issues(issues: list[Issue]) -> list[dict[str, Any]]:
    return [issue.as_json() for issue in issues]


class Importer:
    """One import run over a workspace; `dry_run` validates and writes nothing."""

    def __init__(
        self, pool: asyncpg.Pool, principal: Principal, hasher: PasswordHasher, *, dry_run: bool
    ) -> None:
        self.pool = pool
        self.principal = principal
        self.hasher = hasher
        self.dry_run = dry_run
        self.known: dict[tuple[str, ...], Any] = {}
        self.folders: dict[str, Any] = {}

    async def _load(self) -> None:
        ws = self.principal.workspace_id
        for row in await all_codes(self.pool, ws):
            for key in row_identities(row):
                self.known.setdefault(key, row["id"])
        self.folders = {f["name"]: f["id"] for f in await list_folders(self.pool, ws)}

    async def _folder(self, name: str, spec: dict[str, Any] | None = None) -> Any:
        """The folder's id, made on commit when missing (None in a dry run)."""
        if name in self.folders or self.dry_run:
            return self.folders.get(name)
        body = FolderCreate.model_validate({**(spec or {}), "name": name})
        made = await create_folder(self.pool, self.principal.workspace_id, body)
        self.folders[name] = made["id"]
        return made["id"]

    def _rules(self, row: ImportRow) -> tuple[list[RuleCreate], list[Issue]]:
        rules: list[RuleCreate] = []
        issues: list[Issue] = []
        for i, raw in enumerate(row.rules):
            try:
                rule = RuleCreate.model_validate(raw)
                check_rule(rule)
            except ValidationError as exc:
                issues += [
                    Issue(("rules", i, *x.path), x.reason)
                    for x in issues_from_pydantic(exc.errors())
                ]
                continue
            except ApiError as exc:
                issues += [Issue(("rules", i, *x.path), x.reason) for x in exc.issues]
                continue
            rules.append(rule)
        return rules, issues

    async def _slug_elsewhere(self, inp: CodeInput) -> bool:
        found = await self.pool.fetchval(
            "SELECT 1 FROM codes WHERE coalesce(domain, '') = $1 AND slug = $2",
            inp.fields.domain or "", inp.fields.slug,
        )  # fmt: skip
        return found is not None

    async def one(self, row: ImportRow) -> dict[str, Any]:
        out: dict[str, Any] = {"row": row.number}
        if row.issues:
            return {**out, "status": "invalid", "issues": _issues(row.issues)}
        body = dict(row.body)
        folder_id = await self._folder(row.folder) if row.folder else None
        if folder_id is not None:
            body["folderId"] = str(folder_id)
        try:
            inp = parse_code_body(body, partial=False)
        except ApiError as exc:
            return {**out, "status": "invalid", "issues": _issues(list(exc.issues))}
        rules, rule_issues = self._rules(row)
        if rule_issues:
            return {**out, "status": "invalid", "issues": _issues(rule_issues)}
        key = input_identity(inp)
        if key in self.known:
            return {**out, "status": "unchanged", "id": str(self.known[key])}
        if inp.fields.slug and await self._slug_elsewhere(inp):
            issue = Issue(("slug",), f"{inp.fields.slug!r} belongs to another code")
            return {**out, "status": "conflict", "issues": _issues([issue])}
        if self.dry_run:
            self.known[key] = None
            note = (
                {"folder": f"{row.folder!r} will be created"}
                if row.folder and folder_id is None
                else {}
            )
            return {**out, "status": "would_create", **note}
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                made = await create_code(conn, self.principal, inp, self.hasher)
            for rule in rules:
                await create_rule(self.pool, self.principal.workspace_id, made["id"], rule)
        except ApiError as exc:
            return {**out, "status": "failed", "error": exc.body()}
        self.known[key] = made["id"]
        return {**out, "status": "created", "id": str(made["id"])}

    async def run(self, source: ImportSource) -> AsyncIterator[dict[str, Any]]:
        """A header, one result per row in order, then the summary."""
        await self._load()
        yield {"dryRun": self.dry_run, "source": source.kind, "total": len(source.rows)}
        for spec in source.folders:
            name = spec.get("name")
            if isinstance(name, str) and name not in self.folders:
                extra = {k: spec[k] for k in ("color", "position") if spec.get(k) is not None}
                with contextlib.suppress(ApiError, ValidationError):  # its rows report it
                    await self._folder(name, extra)
        counts: dict[str, int] = {}
        for row in source.rows:
            result = await self.one(row)
            counts[result["status"]] = counts.get(result["status"], 0) + 1
            yield result
        yield {"summary": counts, "total": len(source.rows), "dryRun": self.dry_run}

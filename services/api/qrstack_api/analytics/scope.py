"""Which codes a workspace analytics request covers: its filters (`folderId`, `tag`, `type`,
`codeIds`) resolved to the ids of the caller's workspace's codes in PostgreSQL. No filter means
every code (the analytics service reads the whole workspace)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import asyncpg
from multidict import MultiMapping

from qrstack_common.errors import Issue, validation_failed
from qrstack_common.ids import parse_id
from qrstack_common.payloads import find_type

FILTERS = frozenset({"folderId", "tag", "type", "codeIds"})
MAX_CODE_IDS = 1000


async def workspace_code_ids(
    pool: asyncpg.Pool, workspace_id: UUID, query: MultiMapping[str]
) -> list[UUID] | None:
    """The ids of the workspace's codes matching every filter given, or None without filters.
    Ids of other workspaces' codes are dropped (never reported: isolation). 400 naming each
    bad filter."""
    if not FILTERS & set(query):
        return None
    issues: list[Issue] = []
    where = ["workspace_id = $1"]
    args: list[Any] = [workspace_id]

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    folder = query.get("folderId")
    if folder == "none":
        where.append("folder_id IS NULL")
    elif folder is not None:
        folder_id = parse_id("folder", folder)
        if folder_id is None:
            issues.append(Issue(("folderId",), "a folder id or none"))
        else:
            where.append(f"folder_id = {arg(folder_id)}")
    if (tag := query.get("tag")) is not None:
        where.append(f"{arg(tag)} = ANY(tags)")
    if (type_name := query.get("type")) is not None:
        found = find_type(type_name)
        if found is None:
            issues.append(Issue(("type",), "not a code type"))
        else:
            where.append(f"type = {arg(found.name)}")
    if "codeIds" in query:
        ids = _code_ids(query.getall("codeIds"), issues)
        where.append(f"id = ANY({arg(ids)}::uuid[])")
    if issues:
        raise validation_failed(issues)
    rows = await pool.fetch(
        f"SELECT id FROM codes WHERE {' AND '.join(where)}",  # noqa: S608 (parameterised)
        *args,
    )
    return [row["id"] for row in rows]


def _code_ids(values: list[str], issues: list[Issue]) -> list[UUID]:
    texts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if len(texts) > MAX_CODE_IDS:
        issues.append(Issue(("codeIds",), f"at most {MAX_CODE_IDS} code ids"))
        return []
    ids: list[UUID] = []
    for text in texts:
        code_id = parse_id("code", text)
        if code_id is None:
            issues.append(Issue(("codeIds",), f"{text[:40]!r} is not a code id"))
        else:
            ids.append(code_id)
    return ids

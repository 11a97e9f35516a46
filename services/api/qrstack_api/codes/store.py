"""Reading and writing codes. Every write to a dynamic code publishes its new snapshot through
the outbox in the same transaction (`publish_code`); static codes never reach the redirect
service (their image carries the content itself)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from uuid import UUID

import asyncpg
from argon2 import PasswordHasher

from qrstack_api.accounts.principal import Principal
from qrstack_api.accounts.secrets import hash_password
from qrstack_api.codes.input import STATIC_MUTABLE, CodeInput, content_key
from qrstack_api.codes.model import CodeFields, CodeListQuery
from qrstack_api.codes.paths import CODE_NOT_FOUND
from qrstack_api.codes.slugs import generate_slug
from qrstack_api.codes.snapshot import publish_code, publish_code_purge, publish_new_code
from qrstack_api.db.pool import Connection
from qrstack_api.domains.store import require_domain
from qrstack_api.paging import decode_cursor, encode_cursor
from qrstack_api.plans import plan_of, require_feature, require_room
from qrstack_common.errors import ApiError, Issue, validation_failed
from qrstack_common.ids import parse_id
from qrstack_common.render.spec import Style

_GENERATED_SLUG_ATTEMPTS = 8
_COLUMNS = (
    "type", "dynamic", "name", "payload", "target_url", "slug", "domain", "fallback_url",
    "active_from", "expires_at", "max_scans", "password_hash", "password_hint", "redirect_status",
    "forward_query", "scan_tracking", "style", "tags", "folder_id", "status",
)  # fmt: skip
_DEFAULTS: dict[str, Any] = {
    "name": None, "domain": None, "fallback_url": None, "active_from": None, "expires_at": None,
    "max_scans": None, "password_hash": None, "password_hint": None, "redirect_status": 302,
    "forward_query": False, "scan_tracking": True, "style": None, "tags": [], "folder_id": None,
    "status": "active",
}  # fmt: skip
# CodeFields attribute → column, where they differ.
_FIELD_COLUMN = {"scan_tracking_enabled": "scan_tracking"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def stored_style(style: Style) -> dict[str, Any]:
    """The style as sent (unset fields left to the renderer's defaults), camelCase keys."""

    def camelize(value: Any) -> Any:
        if isinstance(value, dict):
            return {_camel(k): camelize(v) for k, v in value.items()}
        return value

    result: dict[str, Any] = camelize(
        style.model_dump(mode="json", by_alias=True, exclude_unset=True)
    )
    return result


def _not_found() -> ApiError:
    return ApiError("not_found", CODE_NOT_FOUND)


async def get_code(pool: asyncpg.Pool, workspace_id: UUID, code_id: UUID) -> Any:
    """The code, or 404 when it does not exist in this workspace."""
    row = await pool.fetchrow(
        "SELECT * FROM codes WHERE id = $1 AND workspace_id = $2", code_id, workspace_id
    )
    if row is None:
        raise _not_found()
    return row


async def create_code(
    conn: Connection, principal: Principal, inp: CodeInput, hasher: PasswordHasher
) -> Any:
    """Insert a code (and publish it if dynamic). Call inside a transaction."""
    await _check_room(conn, principal)
    values = await _column_values(conn, principal, inp, None, hasher, replace=True)
    return await _insert(conn, principal.workspace_id, values, custom_slug="slug" in inp.sent)


async def update_code(
    conn: Connection,
    principal: Principal,
    code_id: UUID,
    inp: CodeInput,
    hasher: PasswordHasher,
    *,
    replace: bool,
) -> Any:
    """PUT (`replace`) or PATCH a code. Call inside a transaction."""
    row = await locked_code(conn, principal.workspace_id, code_id)
    if row["status"] == "deleted":
        raise ApiError("conflict", "This code is deleted; restore it before changing it.")
    if not row["dynamic"]:
        # The content (targetUrl for url codes) is compared below, as content.
        changed = {
            name
            for name in inp.sent - STATIC_MUTABLE - {"type", "dynamic", "target_url"}
            if getattr(inp.fields, name) is not None or replace
        }
        if inp.payload is not None and inp.payload.as_json() != row["payload"]:
            changed.add(content_key(inp.payload_type))
        if inp.payload_type.name != row["type"]:
            changed.add("type")
        if changed:
            aliases = sorted(CodeFields.model_fields[n].alias or n if n in CodeFields.model_fields
                             else n for n in changed)  # fmt: skip
            raise validation_failed(
                [Issue((a,), "a static code's content is printed: only name, tags, folderId "
                       "and style can change") for a in aliases]
            )  # fmt: skip
    if inp.dynamic is not None and inp.dynamic != row["dynamic"]:
        raise validation_failed(
            [Issue(("dynamic",), "cannot change after creation: the printed image depends on it")]
        )
    values = await _column_values(conn, principal, inp, row, hasher, replace=replace)
    assignments = ", ".join(f"{col} = ${i + 3}" for i, col in enumerate(values))
    try:
        await conn.execute(
            f"UPDATE codes SET {assignments}, updated_at = now() "  # noqa: S608 (fixed columns)
            "WHERE id = $1 AND workspace_id = $2",
            code_id,
            principal.workspace_id,
            *values.values(),
        )
    except asyncpg.UniqueViolationError:
        raise _slug_taken(values.get("slug")) from None
    if row["dynamic"]:
        return await publish_code(conn, code_id)
    return await conn.fetchrow("SELECT * FROM codes WHERE id = $1", code_id)


async def delete_code(conn: Connection, workspace_id: UUID, code_id: UUID, *, purge: bool) -> None:
    """Soft delete (scans go to the fallback; restorable), or purge: the row is removed and the
    redirect service forgets the slug (a tombstone)."""
    row = await locked_code(conn, workspace_id, code_id)
    if purge:
        await conn.execute("DELETE FROM codes WHERE id = $1", code_id)
        if row["dynamic"]:
            await publish_code_purge(conn, code_id)
        return
    if row["status"] == "deleted":
        return
    await conn.execute(
        "UPDATE codes SET status = 'deleted', deleted_at = now(), updated_at = now() WHERE id = $1",
        code_id,
    )
    if row["dynamic"]:
        await publish_code(conn, code_id)


async def restore_code(conn: Connection, principal: Principal, code_id: UUID) -> Any:
    row = await locked_code(conn, principal.workspace_id, code_id)
    if row["status"] != "deleted":
        return row
    await _check_room(conn, principal)
    await conn.execute(
        "UPDATE codes SET status = 'active', deleted_at = NULL, updated_at = now() WHERE id = $1",
        code_id,
    )
    if row["dynamic"]:
        return await publish_code(conn, code_id)
    return await conn.fetchrow("SELECT * FROM codes WHERE id = $1", code_id)


async def list_codes(
    pool: asyncpg.Pool, workspace_id: UUID, query: CodeListQuery
) -> tuple[list[Any], str | None]:
    """A page of codes, newest first, and the cursor of the next page (None at the end)."""
    where = ["workspace_id = $1"]
    args: list[Any] = [workspace_id]

    def arg(value: Any) -> str:
        args.append(value)
        return f"${len(args)}"

    if query.cursor:
        created, code_id = decode_cursor(query.cursor)
        where.append(f"(created_at, id) < ({arg(created)}, {arg(code_id)})")
    if query.folder_id == "none":
        where.append("folder_id IS NULL")
    elif query.folder_id:
        folder_id = parse_id("folder", query.folder_id)
        if folder_id is None:
            raise validation_failed([Issue(("folderId",), "a folder id or none")])
        where.append(f"folder_id = {arg(folder_id)}")
    if query.tag:
        where.append(f"{arg(query.tag)} = ANY(tags)")
    if query.type:
        where.append(f"type = {arg(query.type)}")
    if query.q:
        pattern = "%" + query.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        p = arg(pattern)
        where.append(f"(slug ILIKE {p} OR name ILIKE {p} OR target_url ILIKE {p})")
    where.append(_status_condition(query.status))
    sql = (
        f"SELECT * FROM codes WHERE {' AND '.join(where)} "  # noqa: S608 (parameterised)
        f"ORDER BY created_at DESC, id DESC LIMIT {arg(query.limit + 1)}"
    )
    rows = list(await pool.fetch(sql, *args))
    next_cursor = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        next_cursor = encode_cursor(rows[-1]["created_at"], rows[-1]["id"])
    return rows, next_cursor


def _status_condition(status: str | None) -> str:
    schedule_ok = (
        "(active_from IS NULL OR active_from <= now()) "
        "AND (expires_at IS NULL OR expires_at > now())"
    )
    return {
        None: "status <> 'deleted'",
        "deleted": "status = 'deleted'",
        "suspended": "status = 'suspended'",
        "scheduled": "status = 'active' AND active_from > now()",
        "expired": "status = 'active' AND expires_at <= now()",
        # limit_reached needs the cap counts: the caller narrows these with `scan_caps.used`.
        "limit_reached": f"status = 'active' AND max_scans IS NOT NULL AND {schedule_ok}",
        "active": f"status = 'active' AND {schedule_ok}",
    }[status]


async def locked_code(conn: Connection, workspace_id: UUID, code_id: UUID) -> Any:
    """The code, locked FOR UPDATE in `conn`'s transaction, or 404 as `get_code`."""
    row = await conn.fetchrow(
        "SELECT * FROM codes WHERE id = $1 AND workspace_id = $2 FOR UPDATE", code_id, workspace_id
    )
    if row is None:
        raise _not_found()
    return row


async def _check_room(conn: Connection, principal: Principal) -> None:
    """402 when the plan's code limit is reached. Plans without a limit cost nothing; limited
    ones lock the workspace row so concurrent creates cannot overshoot."""
    if plan_of(principal.plan).max_codes is None:
        return
    plan = await conn.fetchval(
        "SELECT plan FROM workspaces WHERE id = $1 FOR UPDATE", principal.workspace_id
    )
    count = await conn.fetchval(
        "SELECT count(*) FROM codes WHERE workspace_id = $1 AND status <> 'deleted'",
        principal.workspace_id,
    )
    require_room(plan, "codes", count)


async def _column_values(
    conn: Connection,
    principal: Principal,
    inp: CodeInput,
    row: Any | None,
    hasher: PasswordHasher,
    *,
    replace: bool,
) -> dict[str, Any]:
    """Every column's new value. Unsent fields keep the stored value on PATCH and take the
    default on create and PUT (PUT keeps the slug: the printed code depends on it)."""
    fields = inp.fields

    def chosen(attr: str) -> Any:
        column = _FIELD_COLUMN.get(attr, attr)
        if attr in inp.sent:
            return getattr(fields, attr)
        if row is not None and not replace:
            return row[column]
        return _DEFAULTS.get(column)

    issues: list[Issue] = []
    values: dict[str, Any] = {}
    dynamic = inp.dynamic if inp.dynamic is not None else (
        row["dynamic"] if row is not None else inp.payload_type.default_dynamic
    )  # fmt: skip
    values["type"] = inp.payload_type.name
    values["dynamic"] = dynamic
    values["name"] = chosen("name")
    if inp.payload is not None:
        stored = row["payload"] if row is not None and row["type"] == inp.payload_type.name else {}
        values["payload"] = _with_uploaded_files(inp, stored or {}, issues)
        values["target_url"] = inp.derived_target() if dynamic else None
    elif row is not None and inp.payload_type.name != row["type"]:
        issues.append(
            Issue(
                (content_key(inp.payload_type),),
                f"is required to change the type to {inp.payload_type.name}",
            )
        )
        values["payload"], values["target_url"] = row["payload"], row["target_url"]
    elif row is not None:
        values["payload"], values["target_url"] = row["payload"], row["target_url"]
    if dynamic:
        slug = fields.slug if "slug" in inp.sent else (row["slug"] if row is not None else None)
        values["slug"] = slug or generate_slug()
    else:
        values["slug"] = None
    for attr in ("domain", "fallback_url", "active_from", "expires_at", "max_scans",
                 "password_hint", "redirect_status", "forward_query", "scan_tracking_enabled",
                 "tags", "folder_id", "status"):  # fmt: skip
        values[_FIELD_COLUMN.get(attr, attr)] = chosen(attr)
    if "style" in inp.sent:
        style = fields.style
        values["style"] = None if style is None else stored_style(style)
    else:
        values["style"] = chosen("style")
    if "password" in inp.sent:
        values["password_hash"] = (
            None if fields.password is None
            else await asyncio.get_running_loop().run_in_executor(
                None, hash_password, hasher, fields.password
            )
        )  # fmt: skip
    else:
        values["password_hash"] = row["password_hash"] if row is not None and not replace else None
    if values["tags"] is None:
        values["tags"] = []
    if values["redirect_status"] is None:
        values["redirect_status"] = 302

    plan = principal.plan
    scheduling = {"active_from", "expires_at"} & inp.sent
    if any(getattr(fields, name) is not None for name in scheduling):
        require_feature(plan, "scheduling")
    if "max_scans" in inp.sent and fields.max_scans is not None:
        require_feature(plan, "scan_caps")
    if "password" in inp.sent and fields.password is not None:
        require_feature(plan, "passwords")
    if values["domain"] is not None and (row is None or values["domain"] != row["domain"]):
        try:
            await require_domain(conn, principal.workspace_id, values["domain"])
        except ApiError as exc:
            issues.extend(exc.issues)
    if values["folder_id"] is not None and (row is None or values["folder_id"] != row["folder_id"]):
        known = await conn.fetchval(
            "SELECT 1 FROM folders WHERE workspace_id = $1 AND id = $2",
            principal.workspace_id,
            values["folder_id"],
        )
        if not known:
            issues.append(Issue(("folderId",), "no such folder in this workspace"))
    if issues:
        raise validation_failed(issues)
    return {column: values[column] for column in _COLUMNS}


async def _insert(
    conn: Connection, workspace_id: UUID, values: dict[str, Any], *, custom_slug: bool
) -> Any:
    """Insert the code and, if dynamic, queue its first snapshot (version 1; a new code has
    no routing rules yet): two statements. A slug already taken inserts nothing (`ON CONFLICT
    DO NOTHING`, no savepoint needed): a custom one is a 409, a generated one is drawn again."""
    dynamic = values["dynamic"]
    columns = ", ".join(["id", "workspace_id", *values, "version"])
    placeholders = ", ".join(f"${i}" for i in range(1, len(values) + 4))
    sql = (
        f"INSERT INTO codes ({columns}) VALUES ({placeholders}) "  # noqa: S608 (fixed columns)
        "ON CONFLICT DO NOTHING RETURNING *, (SELECT fallback_url FROM workspaces w"
        " WHERE w.id = codes.workspace_id) AS workspace_fallback_url"
    )
    attempts = 1 if custom_slug or not dynamic else _GENERATED_SLUG_ATTEMPTS
    for attempt in range(attempts):
        row = await conn.fetchrow(
            sql, uuid.uuid4(), workspace_id, *values.values(), 1 if dynamic else 0
        )
        if row is None:  # the slug is taken on this domain
            if custom_slug:
                raise _slug_taken(values["slug"])
            if attempt + 1 < attempts:
                values["slug"] = generate_slug()
            continue
        if dynamic:
            await publish_new_code(conn, row)
        return row
    raise ApiError("conflict", "Could not find a free slug; try again.")


# Payload fields that only file uploads set (files/): python name → JSON name, default.
_UPLOAD_OWNED: dict[str, dict[str, tuple[str, Any]]] = {
    "pdf": {
        "file_key": ("fileKey", None),
        "file_size": ("fileSize", None),
        "original_filename": ("originalFilename", None),
    },
    "image-carousel": {"images": ("images", [])},
}


def _with_uploaded_files(inp: CodeInput, stored: dict[str, Any], issues: list[Issue]) -> Any:
    """The payload to store: what was sent, with the upload-owned fields kept from the stored
    payload. Sending one of those with another value is a 400: files change through the
    upload endpoints, and a key a body invents would name no file."""
    assert inp.payload is not None
    data: dict[str, Any] = inp.payload.as_json()
    owned = _UPLOAD_OWNED.get(inp.payload_type.name, {})
    where = content_key(inp.payload_type)
    for attr, (key, default) in owned.items():
        if attr in inp.payload.model_fields_set and data.get(key) != stored.get(key, default):
            issues.append(
                Issue((where, key), "is set by uploading files (POST /v1/codes/{id}/pdf-file or "
                      "/image-file), not in the code's body")
            )  # fmt: skip
        if key in stored:
            data[key] = stored[key]
        elif default is None:
            data.pop(key, None)
        else:
            data[key] = default
    return data


def _slug_taken(slug: object) -> ApiError:
    return ApiError("slug_taken", f"The slug {slug!r} is already in use on this domain.")

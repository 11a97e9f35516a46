"""Reading an upload: a multipart/form-data body with the file in the field `file`.

The file is read in chunks as it arrives and refused as soon as it passes the size limit, so
an oversized upload never sits whole in memory. Other form fields are short text values.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from aiohttp import BodyPartReader, web

from qrstack_api.files.formats import declared_media_type
from qrstack_common.errors import ApiError, Issue, validation_failed

FILE_FIELD = "file"
_CHUNK = 1 << 16
_TEXT_MAX_BYTES = 256
# Multipart framing (boundaries, part headers, short fields) on top of the file itself.
_FRAMING_BYTES = 64 << 10


@dataclass(frozen=True)
class Upload:
    content: bytes
    declared_type: str  # the part's Content-Type, lower case, no parameters
    filename: str | None
    fields: Mapping[str, str]  # the other form fields, by name


def too_large(max_bytes: int) -> ApiError:
    return ApiError("file_too_large", f"The file is larger than {_size(max_bytes)}.")


def _size(n: int) -> str:
    for unit, shift in (("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift and n % (1 << shift) == 0:
            return f"{n >> shift} {unit} ({n} bytes)"
    return f"{n} bytes"


async def read_upload(
    request: web.Request, *, max_bytes: int, text_fields: Collection[str] = ()
) -> Upload:
    """The uploaded file and the `text_fields` sent with it.

    Raises ApiError: 415 unless the body is multipart/form-data; 413 `file_too_large` when the
    file (or, declared up front, the whole body) is larger than `max_bytes`; 400 naming the
    field when `file` is missing, empty or sent twice, a field is unknown, or a text field is
    not short UTF-8 text.
    """
    if request.content_type != "multipart/form-data":
        raise ApiError(
            "unsupported_media_type",
            f"Send multipart/form-data with the file in a field named {FILE_FIELD!r}, "
            f"not {request.content_type or 'no content type'}.",
        )
    if request.content_length is not None and request.content_length > max_bytes + _FRAMING_BYTES:
        raise too_large(max_bytes)
    try:
        reader = await request.multipart()
        content: bytes | None = None
        declared, filename = "", None
        fields: dict[str, str] = {}
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                raise validation_failed([Issue((), "nested multipart bodies are not accepted")])
            name = part.name
            if not name:
                raise validation_failed(
                    [Issue((), "a part has no field name (Content-Disposition: form-data; name=…)")]
                )
            if name == FILE_FIELD:
                if content is not None:
                    raise validation_failed([Issue((FILE_FIELD,), "send one file per request")])
                content = await _read_file(part, max_bytes)
                declared = declared_media_type(part.headers.get("Content-Type"))
                filename = part.filename
            elif name in text_fields:
                fields[name] = await _read_text(part, name)
            else:
                expected = ", ".join(repr(n) for n in (FILE_FIELD, *text_fields))
                raise validation_failed([Issue((name,), f"unknown field; send {expected}")])
    except ValueError as exc:  # aiohttp's word for a malformed multipart body
        raise validation_failed([Issue((), f"the multipart body is malformed: {exc}")]) from exc
    if content is None:
        raise validation_failed(
            [Issue((FILE_FIELD,), f"is required: the file in a form field named {FILE_FIELD!r}")]
        )
    if not content:
        raise validation_failed([Issue((FILE_FIELD,), "is empty")])
    return Upload(content, declared, filename, fields)


async def _read_file(part: BodyPartReader, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_text(part: BodyPartReader, name: str) -> str:
    raw = b""
    while chunk := await part.read_chunk(_CHUNK):
        raw += chunk
        if len(raw) > _TEXT_MAX_BYTES:
            raise validation_failed([Issue((name,), f"is longer than {_TEXT_MAX_BYTES} bytes")])
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise validation_failed([Issue((name,), "is not UTF-8 text")]) from None

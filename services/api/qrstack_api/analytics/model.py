"""Shapes of the /v1 analytics answers, as the OpenAPI document shows them. The analytics
service produces them (the API relays its bytes); these models describe, they do not convert.

Fields the TurtleQR reference documents keep its names and shapes (`totals.scans`,
`totals.uniqueIpHashes`, `series[].t`, `byCountry`, `byDevice`, `byHour`, `byDayOfWeek`, the
scans list's `data`/`nextCursor`/`scannedAt`/`referer`); ours sit beside them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Query(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class WindowQuery(_Query):
    range: Literal["7d", "30d", "90d", "all"] | None = Field(
        None, description="The last N local days including today (default 30d), or all."
    )
    start: str | None = Field(None, description="ISO 8601 date or date-time; with end.")
    end: str | None = Field(None, description="ISO 8601 date (inclusive) or date-time.")
    tz: str | None = Field(None, description="IANA timezone of buckets, hours and days (UTC).")
    include_bots: bool | None = Field(None, alias="includeBots")


class AnalyticsQuery(WindowQuery):
    top: int | None = Field(None, ge=1, le=100, description="Values per breakdown (10).")


class WorkspaceAnalyticsQuery(AnalyticsQuery):
    folder_id: str | None = Field(None, alias="folderId", description="A folder id, or none.")
    tag: str | None = None
    type: str | None = Field(None, description="A code type, e.g. url or menu.")
    code_ids: str | None = Field(
        None, alias="codeIds", description="Comma-separated code ids (repeatable)."
    )


class ScansQuery(_Query):
    limit: int | None = Field(None, ge=1, le=200, description="Page size (default 50).")
    cursor: str | None = Field(
        None, description="nextCursor of the previous page, or any ISO 8601 timestamp."
    )
    include_bots: bool | None = Field(None, alias="includeBots")


class Totals(BaseModel):
    scans: int
    uniqueIpHashes: int
    countries: int


class WorkspaceTotals(Totals):
    codes: int = Field(description="Codes scanned in the window.")


class Bucket(BaseModel):
    t: str = Field(description="A local date (daily, monthly) or date-time (hourly).")
    scans: int
    uniqueIpHashes: int


class Entry(BaseModel):
    key: str | None = Field(description="The value; null when unknown; 'other' for the rest.")
    scans: int
    uniqueIpHashes: int
    other: bool | None = None


class Window(BaseModel):
    start: str
    end: str
    tz: str
    granularity: Literal["hour", "day", "month"]


class _Answer(BaseModel):
    range: Window
    series: list[Bucket]
    byCountry: list[Entry]
    byRegion: list[Entry]
    byCity: list[Entry]
    byDevice: list[Entry]
    byOs: list[Entry]
    byBrowser: list[Entry]
    byReferer: list[Entry]
    byHour: list[int] = Field(min_length=24, max_length=24, description="Index = local hour.")
    byDayOfWeek: list[int] = Field(min_length=7, max_length=7, description="0 = Sunday.")


class CodeAnalytics(_Answer):
    codeId: str
    totals: Totals


class TopCode(BaseModel):
    codeId: str
    scans: int
    uniqueIpHashes: int
    share: float = Field(description="Part of the scans in scope, 0–1.")
    label: str | None = Field(None, description="The code's label (null when it has none).")
    slug: str | None = Field(None, description="The code's short-URL slug.")
    deleted: bool = Field(False, description="The code was deleted since (its scans count).")


class WorkspaceAnalytics(_Answer):
    workspaceId: str
    totals: WorkspaceTotals
    topCodes: list[TopCode]


class Scan(BaseModel):
    scannedAt: str
    country: str | None
    region: str | None
    city: str | None
    device: str | None
    os: str | None
    browser: str | None
    referer: str | None
    scanId: str
    outcome: str
    language: str | None
    isBot: bool
    botReason: str | None
    ruleId: str | None
    variant: str | None
    target: str | None
    domain: str | None
    slug: str | None


class ScanPage(BaseModel):
    data: list[Scan]
    nextCursor: str | None = Field(description="An ISO 8601 timestamp; null on the last page.")

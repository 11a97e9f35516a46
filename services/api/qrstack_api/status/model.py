"""The status page as clients see it (camelCase JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Shown = Literal["operational", "degraded", "outage", "unknown"]


class DayStatus(BaseModel):
    """One day (UTC) of one component."""

    model_config = ConfigDict(populate_by_name=True)

    date: dt.date
    status: Shown = Field(description="The worst status sampled that day; unknown: no sample.")
    uptime: float | None = Field(description="Percent of samples that found it operational.")
    checks: int


class ComponentStatus(BaseModel):
    """One component: its current status and its daily history, oldest day first."""

    model_config = ConfigDict(populate_by_name=True)

    name: str
    status: Shown = Field(description="unknown: not sampled recently.")
    detail: str | None
    checked_at: dt.datetime | None = Field(alias="checkedAt")
    since: dt.datetime | None = Field(description="When it last changed status.")
    uptime: float | None = Field(description="Percent operational over the history.")
    history: list[DayStatus]


class StatusSummary(BaseModel):
    """The platform's overall status, per component, with 90 days of history."""

    model_config = ConfigDict(populate_by_name=True)

    status: Shown = Field(description="The worst current status among the components.")
    updated_at: dt.datetime | None = Field(alias="updatedAt")
    components: list[ComponentStatus]

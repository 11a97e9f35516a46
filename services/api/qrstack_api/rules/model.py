"""Routing rules as clients send and see them (TurtleQR's body, camelCase JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

from qrstack_api.paging import LIST_END
from qrstack_api.rules.conditions import RuleCondition, RuleType, stored_condition
from qrstack_api.updates import refuse_cleared
from qrstack_common.ids import CodeId, RuleId
from qrstack_common.payloads import WebUrl

MAX_PRIORITY = 10_000
MAX_RULES_PER_CODE = 20

Priority = Annotated[int, Field(ge=0, le=MAX_PRIORITY)]
Weight = Annotated[int, Field(ge=1, le=100)]
Label = Annotated[str, Field(max_length=100)]

_TYPE_TEXT = (
    "geo | device | time | ab (TurtleQR's) and browser | language | query | ip. "
    "Each type takes its own condition keys; ab takes any (or none) and needs a weight."
)


class RuleCreate(BaseModel):
    """POST body of a routing rule. Without `priority` the rule goes after the code's last."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type: RuleType = Field(description=_TYPE_TEXT)
    label: Label | None = None
    target_url: WebUrl = Field(alias="targetUrl", description="Where matching scans go.")
    priority: Priority | None = Field(
        None, description="Lower runs first; equal priorities run in rule id order."
    )
    condition: RuleCondition = Field(default_factory=RuleCondition)
    weight: Weight | None = Field(
        None, description="ab only (required there): percent of scanners sent to targetUrl."
    )

    @model_validator(mode="before")
    @classmethod
    def _null_condition(cls, data: Any) -> Any:
        # `"condition": null` on create means no condition (an ab rule's usual shape).
        if isinstance(data, dict) and "condition" in data and data["condition"] is None:
            return {k: v for k, v in data.items() if k != "condition"}
        return data


class RuleUpdate(BaseModel):
    """PATCH body: every field optional; what is sent replaces the stored value (a sent
    `condition` replaces the whole condition), `label: null` and `weight: null` clear. The
    resulting rule is validated as a whole."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    type: RuleType | None = Field(None, description=_TYPE_TEXT)
    label: Label | None = None
    target_url: WebUrl | None = Field(None, alias="targetUrl")
    priority: Priority | None = None
    condition: RuleCondition | None = None
    weight: Weight | None = None

    @model_validator(mode="after")
    def _not_cleared(self) -> RuleUpdate:
        refuse_cleared(self, ("type", ("target_url", "targetUrl"), "priority"))
        return self


class RoutingRule(BaseModel):
    """A routing rule of a code."""

    model_config = ConfigDict(populate_by_name=True)

    id: RuleId
    code_id: CodeId = Field(alias="codeId")
    type: RuleType
    label: str | None
    target_url: str = Field(alias="targetUrl")
    priority: int
    condition: RuleCondition = Field(description="Only the keys that are set are shown.")
    weight: int | None
    created_at: datetime = Field(alias="createdAt")
    updated_at: datetime = Field(alias="updatedAt")

    @field_serializer("condition")
    def _set_keys_only(self, condition: RuleCondition) -> dict[str, Any]:
        return condition.stored()

    @classmethod
    def of(cls, row: Any) -> RoutingRule:
        return cls(
            id=row["id"],
            code_id=row["code_id"],
            type=row["type"],
            label=row["label"],
            target_url=row["target_url"],
            priority=row["priority"],
            condition=stored_condition(row["condition"]),
            weight=row["weight"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


class RoutingRuleList(BaseModel):
    """A code's routing rules in evaluation order (priority, then id)."""

    data: list[RoutingRule]
    next_cursor: str | None = LIST_END

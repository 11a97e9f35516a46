"""Tables written by one service whose schema another service's migrations create.

The platform's PostgreSQL schema has one owner: the API's migrations (one ordered history,
applied before the services start). Some tables have a different *writer*: the redirect
service writes `scan_caps`, `scan_cap_leases` and `form_submissions`. This module is the
contract between the two, written once: the columns the writer relies on and their types.
`tests/integration/redirect/test_table_contract.py` fails when the migrated schema and this
contract differ, or when a statement of the writer does not run against the migrated schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class TableContract:
    name: str
    writer: str  # the service that inserts and updates the rows
    readers: tuple[str, ...]  # services that read them
    columns: Mapping[str, str]  # column → PostgreSQL type (information_schema's data_type)


def _columns(**types: str) -> Mapping[str, str]:
    return MappingProxyType(types)


SCAN_CAPS = TableContract(
    "scan_caps",
    writer="redirect",
    readers=("redirect", "api"),  # the API shows `used` as a capped code's scansUsed
    columns=_columns(
        code_id="uuid", used="bigint", leased="bigint", updated_at="timestamp with time zone"
    ),
)

SCAN_CAP_LEASES = TableContract(
    "scan_cap_leases",
    writer="redirect",
    readers=("redirect",),
    columns=_columns(
        code_id="uuid",
        holder="uuid",
        lease_id="uuid",
        taken="bigint",
        spent="bigint",
        expires_at="timestamp with time zone",
    ),
)

FORM_SUBMISSIONS = TableContract(
    "form_submissions",
    writer="redirect",
    readers=("api",),  # GET /v1/codes/{id}/submissions(.csv), DELETE, the retention purge
    columns=_columns(
        id="uuid",
        code_id="uuid",
        workspace_id="uuid",
        answers="jsonb",
        created_at="timestamp with time zone",
    ),
)

REDIRECT_TABLES = (SCAN_CAPS, SCAN_CAP_LEASES, FORM_SUBMISSIONS)

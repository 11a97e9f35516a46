"""Feeding the slug table from Kafka: the compacted topics replayed, then tailed."""

from __future__ import annotations

from qrstack_common.events import CODES_TOPIC, DOMAINS_TOPIC
from qrstack_common.kafka import TableReader
from qrstack_redirect.table.slug_table import SlugTable


def table_reader(bootstrap: str, table: SlugTable) -> TableReader:
    return TableReader(
        bootstrap, [CODES_TOPIC, DOMAINS_TOPIC], table.apply, client_id="qrstack-redirect-table"
    )

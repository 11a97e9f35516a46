"""qrstack_analytics: scans from Kafka into ClickHouse (or chDB), answered as analytics.

- `scans/`    the ingestion pipeline: decode → validate → transform → batch → write → commit.
- `storage/`  the two ClickHouse engines behind one interface, and the numbered migrations.
- `queries/`  time windows, the raw/hourly/daily storage selector, and every query served.
- `routes.py` the internal HTTP API the API service proxies to.
"""

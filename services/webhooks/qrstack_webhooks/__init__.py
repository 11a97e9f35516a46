"""The webhook delivery worker: Kafka events → a durable queue in PostgreSQL → signed HTTP."""

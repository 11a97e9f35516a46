"""The in-memory slug table and the feed that keeps it in step with Kafka."""

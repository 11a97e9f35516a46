"""The transactional outbox and its relay to Kafka."""

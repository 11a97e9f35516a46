"""Scan events: buffered, produced in batches, spooled to disk while Kafka is away."""

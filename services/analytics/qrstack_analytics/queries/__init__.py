"""Analytics queries: time windows, the storage selector, and each answer the service serves."""

"""qrstack_analytics."""

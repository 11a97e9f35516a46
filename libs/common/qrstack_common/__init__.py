"""qrstack_common."""

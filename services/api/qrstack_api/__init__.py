"""qrstack_api."""

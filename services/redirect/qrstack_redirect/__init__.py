"""qrstack_redirect."""

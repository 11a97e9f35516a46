"""qrstack_renderer."""

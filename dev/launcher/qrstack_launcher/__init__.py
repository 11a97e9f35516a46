"""qrstack_launcher."""

"""Scan caps, exact across replicas: see `caps.counter`."""

from qrstack_redirect.caps.counter import CapVerdict, ScanCaps

__all__ = ["CapVerdict", "ScanCaps"]

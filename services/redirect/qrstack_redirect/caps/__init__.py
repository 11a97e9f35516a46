"""Scan caps, exact across processes, from leases held in memory: see `caps.leases`."""

from qrstack_redirect.caps.leases import CapLeases, CapVerdict, LeaseSettings

__all__ = ["CapLeases", "CapVerdict", "LeaseSettings"]

"""Ingestion of `qr.scans.v1`: decode → validate → transform → batch → write → commit."""

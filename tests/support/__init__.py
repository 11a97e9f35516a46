"""Helpers shared by the infrastructure tests (not fixtures: plain functions)."""

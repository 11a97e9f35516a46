"""Logos: decoding data URIs and fetching URLs safely."""

"""QR codes: the resource, its slug, its snapshot for the redirect service."""

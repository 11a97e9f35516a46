"""Custom short domains of a workspace, with their base-URL and not-found redirects, published
to the redirect service in the transaction that changes them."""

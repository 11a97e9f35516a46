"""Label sheets of saved codes: `POST /v1/labels` (a folder, a tag or a list of ids)."""

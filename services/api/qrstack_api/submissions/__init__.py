"""Answers posted to hosted form pages (`form_submissions`, written by the redirect service):
listed, exported as CSV and deleted through /v1, and purged after the retention period."""

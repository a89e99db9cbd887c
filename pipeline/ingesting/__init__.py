"""Ingesting: one article from fetched bytes to stored rows (extract, de-duplicate, judge, write),
with the untrusted parsing in worker processes."""

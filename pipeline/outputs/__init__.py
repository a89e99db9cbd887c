"""Outputs: what people read from the store (digest, timeline, Atom feed, alerts, status,
Datasette)."""

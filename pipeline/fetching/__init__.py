"""Fetching: the network edge. URLs in, bytes and parsed feed entries out; nothing here knows
about articles, claims or the store."""

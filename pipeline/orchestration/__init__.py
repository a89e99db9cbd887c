"""Orchestration: the wiring (``app``), the poll cycle, the daemon around it, and the pure rules
of when to poll next."""

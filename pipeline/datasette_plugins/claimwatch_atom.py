"""Datasette plugin (loaded by ``claimwatch serve`` with ``--plugins-dir``): serves the Atom
feed of flags that the daemon keeps current, at ``/-/flags.atom``.

Only that one file is served, never the directory around it (which holds the database).
The path comes from ``$CLAIMWATCH_ATOM_FILE``, which ``claimwatch serve`` sets.
"""

from __future__ import annotations

import os
from pathlib import Path

from datasette import hookimpl
from datasette.utils.asgi import Response

ATOM_TYPE = "application/atom+xml; charset=utf-8"


async def flags_atom(request):
    path = os.environ.get("CLAIMWATCH_ATOM_FILE")
    try:
        body = Path(path).read_bytes() if path else None
    except OSError:
        body = None
    if body is None:
        return Response.text("no Atom feed yet: the daemon writes it after its first cycle "
                             "that stores an article\n", status=404)
    return Response(body, content_type=ATOM_TYPE,
                    headers={"cache-control": "max-age=60", "x-content-type-options": "nosniff"})


@hookimpl
def register_routes():
    return [(r"^/-/flags\.atom$", flags_atom)]

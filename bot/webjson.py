"""Reading a webhook's JSON body: anything that is not readable JSON is the sender's fault
(400), never ours (500)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web


async def json_body(request: web.Request) -> Any:
    """The request's body as JSON. Raises `ValueError` for anything else: not JSON, not UTF-8,
    or nested so deeply that the parser runs out of stack (`RecursionError`, which would
    otherwise escape as a 500). The declared charset is ignored: both platforms send UTF-8,
    and an unknown one would raise `LookupError`."""
    raw = await request.read()
    try:
        return json.loads(raw)
    except RecursionError as error:
        raise ValueError("JSON nested too deeply") from error

"""Bad input to the admin API: `AdminInputError` becomes a 400 whose message says what to send."""

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class AdminInputError(ValueError):
    """Bad input to the admin API: the message says what to send instead."""

    status = 400


class NotJson(AdminInputError):
    """An admin write that is not `application/json` (what an HTML form or a cross-site
    "simple" request sends): 415."""

    status = 415


async def admin_error(request: Request, exc: AdminInputError) -> Response:
    """The app's handler for `AdminInputError`: `{"error": ...}` with its status (400, 415)."""
    return JSONResponse({"error": str(exc)}, status_code=exc.status)


MAX_JSON_BYTES = 64 * 1024
"""An admin body is a few fields; a longer one is refused before it is parsed."""

MAX_JSON_DEPTH = 8
"""Nesting of an admin body: an object holding a list of URLs is depth 2."""


async def json_body(request: Request) -> dict:
    """The request's JSON object, or an AdminInputError saying what to send."""
    kind = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if kind != "application/json":
        raise NotJson("Send the body as JSON with Content-Type: application/json.")
    raw = await request.body()
    if len(raw) > MAX_JSON_BYTES:
        raise AdminInputError(f"The body is {len(raw)} bytes: send a JSON object of at most "
                              f"{MAX_JSON_BYTES} bytes.")
    if _depth(raw) > MAX_JSON_DEPTH:
        raise AdminInputError(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep: "
                              "send a flat JSON object.")
    try:
        payload = json.loads(raw or b"{}")
    except (ValueError, RecursionError):
        raise AdminInputError("The body is not JSON: send a JSON object.") from None
    if not isinstance(payload, dict):
        raise AdminInputError("Send a JSON object (curly braces), not a list or a value.")
    return payload


def _depth(raw: bytes) -> int:
    """An upper bound of the nesting of JSON text (brackets inside strings count too), found
    without parsing it."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return 0
    depth = deepest = 0
    for byte in raw:
        if byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest

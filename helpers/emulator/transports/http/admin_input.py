"""Bad input to the admin API: `AdminInputError` becomes a 400 whose message says what to send."""

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class AdminInputError(ValueError):
    """Bad input to the admin API: the message says what to send instead."""


async def admin_error(request: Request, exc: AdminInputError) -> Response:
    """The app's handler for `AdminInputError`: `{"error": ...}` with status 400."""
    return JSONResponse({"error": str(exc)}, status_code=400)


async def json_body(request: Request) -> dict:
    """The request's JSON object, or an AdminInputError saying what to send."""
    try:
        payload = json.loads(await request.body() or b"{}")
    except ValueError:
        raise AdminInputError("The body is not JSON: send a JSON object.") from None
    if not isinstance(payload, dict):
        raise AdminInputError("Send a JSON object (curly braces), not a list or a value.")
    return payload

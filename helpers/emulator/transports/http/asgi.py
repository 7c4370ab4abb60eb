"""`send_response`: an answer sent by hand, for the middlewares that answer before any route
(the limits, the gate, Twilio's paths)."""

JSON = (b"content-type", b"application/json")


async def send_response(send, status: int, body: bytes, headers=(JSON,)) -> None:
    """Send `body` with `status`, `headers` and its Content-Length."""
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})

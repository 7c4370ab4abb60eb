"""The emulator over HTTP: Twilio's paths, a JSON admin API, the phone inbox and live events.

- `app.py`: `create_app(emulator, admin_key)`, the Starlette app and its middlewares.
- `routes_twilio.py`: `TwilioApi`, Twilio's API paths, each request handed to `emulator.handle`.
- `routes_admin.py`: the JSON admin API at /_emulator/ (messages, clock, chaos, inbound...).
- `routes_inbox.py`: the inbox page, its static files, media and live-event stream.
- `auth.py`: who may ask what (instructor key, account credentials, inbox sessions), `Gate`.
- `routes_room.py`: room mode's join page.
- `asgi.py`: `send_response`, for the middlewares that answer before any route.
- `admin_input.py`: `AdminInputError` (a 400 saying what to send) and `json_body`.
- `limits.py`: `RequestLimits`, the middleware bounding each body (1 MB) first.
- `service.py`: `EmulatorService`, the state the routes share (callbacks, live updates).
(uvicorn itself runs through `helpers/webserver.py`, shared with the status receiver.)
"""

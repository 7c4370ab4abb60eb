"""The emulator over HTTP: Twilio's paths, a JSON admin API, the phone inbox and live events.

- `app.py`: `create_app(emulator)`, the Starlette app assembled from the route modules.
- `routes_twilio.py`: Twilio's API paths, each request handed to `emulator.handle`.
- `routes_admin.py`: the JSON admin API at /_emulator/ (messages, clock, chaos, inbound...).
- `routes_inbox.py`: the inbox page, its static files, media and live-event stream.
- `admin_input.py`: `AdminInputError` (a 400 saying what to send) and `json_body`.
- `limits.py`: `RequestLimits`, the middleware bounding each body (1 MB, 10 s) first.
- `service.py`: `EmulatorService`, the state the routes share (callbacks, live updates).
(uvicorn itself runs through `helpers/webserver.py`, shared with the status receiver.)
"""

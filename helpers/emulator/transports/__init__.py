"""How requests reach the emulator: in process, over HTTP, or to the HTTP server.

- `in_process.py`: `EmulatorHttpClient`, the twilio library's HTTP client answered in-process.
- `remote.py`: `EmulatorServerHttpClient`, the real `requests` transport sent to the server.
- `http/`: the server itself (Starlette app, its routes, uvicorn in a thread).
"""

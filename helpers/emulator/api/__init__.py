"""Twilio's REST API over the rules: what ``core.Emulator.handle`` answers.

- ``routing.py``: ``dispatch`` (credentials, route, transaction, rendering) and ``ROUTES``.
- ``forms.py``: the request as handlers read it (``Form``, ``credentials``, ``Request``).
- ``handlers.py``: one function per resource and method, calling ``rules/``.
- ``shapes.py``: Twilio's JSON shapes of messages, media, accounts, numbers, services.
"""

"""Twilio's rules, one module per resource. Nothing here knows about HTTP (``api/`` maps
requests to these functions) or SQL (each function takes the ``state.store.Store`` it reads
and writes, and runs inside the caller's transaction at ``now``, a Unix timestamp).

- ``accounts.py``: the accounts there are (``Directory``: seeded, and a room's learners),
  who the credentials open; clearing an account's state.
- ``numbers.py``: parsing numbers; the owned numbers a message may be sent from.
- ``services.py``: Messaging Services and the sender picked from their pool.
- ``messages.py``: create (every check Twilio makes first), fetch, list, redact, cancel, delete.
- ``timeline.py``: a message's lifecycle: queueing, pacing, the status changes to come.
- ``pricing.py``: list prices as Twilio writes them.
- ``media.py``: the media of an MMS.
- ``inbound.py``: a phone texting an account's number; STOP/START.
- ``callbacks.py``: status callbacks recorded, leased and logged (``runtime/callbacks.py``
  delivers them).
"""

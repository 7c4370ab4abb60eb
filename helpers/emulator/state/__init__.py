"""What the emulator remembers and how it keeps time.

- ``store.py``: ``Store`` (the contract the rules rely on) and ``SqliteStore``.
- ``schema.py``: the tables and ``FILE_VERSION`` of a state file.
- ``clock.py``: the emulated clock, shared through the store across processes.
- ``sids.py``: deterministic SIDs that map back to their row number.
"""

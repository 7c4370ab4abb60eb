"""The pytest plugin: the ``twilio_emulator`` fixture, for your own project's tests.

Installed with this package (``pip install -e <this repo>``), it is registered through the
``pytest11`` entry point ``twilio_emulator``, so any pytest run in the same environment has the
fixture; ``-p no:twilio_emulator`` turns it off.

    def test_reminder_is_sent(twilio_emulator):
        send_reminder("+15558675310", "Dentist at 3pm")   # your code: Client(sid, token)...
        assert twilio_emulator.outbox()[0].body == "Dentist at 3pm"

Under the fixture every ``twilio.rest.Client`` the test creates without an ``http_client``
talks to a fresh in-process emulator (one per test), as ``emulate_twilio()`` does for a
notebook. By default the world is permissive: whatever Account SID and Auth Token the code
uses become an account of that emulator, owning each From number it sends from, so a real
``.env`` works unchanged and nothing leaves the machine. ``@pytest.mark.twilio_emulator(
strict=True)`` keeps only the seeded accounts and their numbers (``helpers/emulator/seed.py``):
unknown credentials get Twilio's 20003, another number as From 21606. ``world.py`` has the
fixture's API.

This module imports only pytest: every pytest run in the environment loads it, so the
emulator is imported when a test asks for the fixture, not before.
"""

from __future__ import annotations

import pytest

MARKER = "twilio_emulator"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        f"{MARKER}(strict=False): options of the twilio_emulator fixture; strict=True accepts"
        " only the emulator's seeded accounts and the numbers they own",
    )


@pytest.fixture
def twilio_emulator(request, monkeypatch):
    """A fresh offline Twilio for this test; every new ``Client()`` talks to it.

    See ``helpers.pytest_plugin.world.TwilioEmulator`` for what it offers (``outbox()``,
    ``advance()``, ``chaos()``, ``inbound()``, ``status_callbacks()``,
    ``deliver_callbacks()``, ``add_account()``).
    """
    from .world import TwilioEmulator, route_clients

    marker = request.node.get_closest_marker(MARKER)
    options = dict(marker.kwargs) if marker else {}
    unknown = set(options) - {"strict"}
    if unknown or (marker and marker.args):
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER} takes only strict=True or strict=False, got "
            f"{', '.join(map(repr, marker.args)) or ', '.join(sorted(unknown))}")
    world = TwilioEmulator(strict=bool(options.get("strict", False)))
    route_clients(world, monkeypatch)
    try:
        yield world
    finally:
        world.close()

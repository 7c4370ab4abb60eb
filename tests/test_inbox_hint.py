"""show_phone(): the message as the phone shows it, and where the live inbox is on each path."""

from types import SimpleNamespace

import pytest

from helpers.inbox_hint import PhoneView

MESSAGE = SimpleNamespace(to="+15558675310", from_="+15017122661", body="Hi <b>there</b>",
                          num_media="2")


@pytest.fixture(autouse=True)
def no_inbox_env(monkeypatch):
    for name in ("TWILIO_EMULATOR_INBOX_URL", "TWILIO_EMULATOR_URL", "TWILIO_EMULATOR_DB"):
        monkeypatch.delenv(name, raising=False)


def test_make_lab_links_the_inbox_address(monkeypatch):
    monkeypatch.setenv("TWILIO_EMULATOR_INBOX_URL", "http://127.0.0.1:8765/inbox")
    view = PhoneView(MESSAGE, "emulator")
    assert repr(view).splitlines()[-1].startswith("Inbox: open http://127.0.0.1:8765/inbox")
    assert ('<a href="http://127.0.0.1:8765/inbox" target="_blank" class="tutorial-inbox-link">'
            in view._repr_html_())


def test_a_kernel_pointed_at_a_server_links_that_server(monkeypatch):
    monkeypatch.setenv("TWILIO_EMULATOR_URL", "http://127.0.0.1:9000/")
    assert "open http://127.0.0.1:9000/inbox" in repr(PhoneView(MESSAGE, "emulator"))


def test_binder_points_to_the_launcher_tile(monkeypatch):
    monkeypatch.setenv("TWILIO_EMULATOR_DB", "/home/jovyan/.emulator/emulator.sqlite")
    view = PhoneView(MESSAGE, "emulator")
    assert "Twilio Phone Inbox tile" in repr(view)
    assert "tutorial-inbox-link" not in view._repr_html_()


def test_an_in_memory_kernel_says_how_to_get_an_inbox():
    assert "start the course with `make lab`" in repr(PhoneView(MESSAGE, "emulator"))


def test_live_mode_points_to_the_real_phone(monkeypatch):
    monkeypatch.setenv("TWILIO_EMULATOR_INBOX_URL", "http://127.0.0.1:8765/inbox")
    assert "real phone" in repr(PhoneView(MESSAGE, "live"))


def test_the_bubble_shows_the_body_escaped_and_the_pictures():
    view = PhoneView(MESSAGE, "emulator")
    page = view._repr_html_()
    assert "Hi &lt;b&gt;there&lt;/b&gt;" in page and "<b>there</b>" not in page
    assert "2 picture(s)" in page and "[2 picture(s)]" in repr(view)
    assert 'class="tutorial-path-note"' in page  # the one part that differs between paths

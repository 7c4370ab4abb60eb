"""The instructor key every test server runs with, the ways tests send it, and a learner
joining a room served with it."""

import html
import re

import requests

from helpers.emulator.transports.http.auth import Keys

ADMIN_KEY = "tests-instructor-key-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {ADMIN_KEY}"}
KEYS = Keys(ADMIN_KEY)  # its join code, lab token, cookie name


def admin_session() -> requests.Session:
    """A `requests` session that sends the instructor key with every request."""
    session = requests.Session()
    session.trust_env = False  # a local server: never through an HTTP(S)_PROXY
    session.headers.update(BEARER)
    return session


def join_room(url: str, name: str, timeout: float = 10) -> tuple[
        requests.Session, requests.Response, requests.Response]:
    """`name` opens the room's join link in a browser and sends the form: their browser
    session, the form page and the page it ends on (their `.env` lines: `env_of`)."""
    browser = requests.Session()
    browser.trust_env = False  # a local server: never through an HTTP(S)_PROXY
    form = browser.get(f"{url}/join", params={"code": KEYS.join_code}, timeout=timeout)
    assert form.ok, form.text
    page = browser.post(f"{url}/join", data={"code": KEYS.join_code, "name": name},
                        timeout=timeout)
    assert page.ok, page.text
    return browser, form, page


def env_of(page: str) -> dict[str, str]:
    """The `.env` lines a join page shows (its `<pre id="env">`), as a dict."""
    lines = html.unescape(re.search(r'<pre id="env">(.*?)</pre>', page, re.S).group(1))
    return dict(line.split("=", 1) for line in lines.splitlines())

"""The instructor key every test server runs with, and the ways tests send it."""

import requests

ADMIN_KEY = "tests-instructor-key-0123456789abcdef"
BEARER = {"Authorization": f"Bearer {ADMIN_KEY}"}


def admin_session() -> requests.Session:
    """A `requests` session that sends the instructor key with every request."""
    session = requests.Session()
    session.trust_env = False  # a local server: never through an HTTP(S)_PROXY
    session.headers.update(BEARER)
    return session

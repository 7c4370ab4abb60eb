"""Every test runs offline: emulator mode, a private .env, and no socket beyond loopback.

The tests that drive Chromium share one browser (Playwright's sync API allows one per process)
and, under pytest-xdist, one worker.
"""

import ipaddress
import socket

import pytest
from playwright.sync_api import sync_playwright

from tests.chromium import ChromiumNotFound, find_chromium, missing_message

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", ""}


class NetworkBlocked(RuntimeError):
    """A test tried to reach a host other than this machine."""


def is_local(address) -> bool:
    """True for loopback addresses and Unix sockets."""
    if not isinstance(address, tuple):
        return True  # AF_UNIX path
    host = str(address[0])
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Fail loudly on any connection that would leave the machine."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def guarded_connect(sock, address):
        if not is_local(address):
            raise NetworkBlocked(f"test tried to connect to {address}")
        return real_connect(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not is_local((host if isinstance(host, str) else (host or b"").decode(), 0)):
            raise NetworkBlocked(f"test tried to resolve {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.getaddrinfo = guarded_getaddrinfo
    yield
    socket.socket.connect, socket.getaddrinfo = real_connect, real_getaddrinfo


@pytest.fixture(autouse=True)
def private_env(tmp_path, monkeypatch):
    """Each test reads its own empty .env, with no Twilio variables but TWILIO_MODE=emulator."""
    from helpers.config import VARIABLES

    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TWILIO_MODE", "emulator")
    env_file = tmp_path / ".env"
    env_file.write_text("")
    monkeypatch.setenv("TUTORIAL_ENV_PATH", str(env_file))
    return env_file


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, as tests/chromium.py finds it: CHROMIUM_PATH, the system's package
    (Debian's /usr/bin/chromium), or Playwright's own. Never downloaded here: `make test`
    installs one first (`python tests/chromium.py --install`)."""
    with sync_playwright() as playwright:
        try:
            found = find_chromium(bundled_path=lambda: playwright.chromium.executable_path)
        except ChromiumNotFound as error:
            pytest.fail(str(error), pytrace=False)
        if found is None:
            pytest.fail(missing_message(), pytrace=False)
        chromium = playwright.chromium.launch(
            headless=True, args=CHROMIUM_ARGS, **found.launch_options()
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items):
    """Under pytest-xdist (--dist loadgroup), every Chromium test runs in the same worker."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("chromium"))

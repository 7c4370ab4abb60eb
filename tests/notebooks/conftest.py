"""Fixtures for the notebook helpers: a fresh emulator per test, and the client wired to it."""

import pytest

from helpers import get_client, get_settings
from helpers.client import shared_emulator


@pytest.fixture
def emulator():
    """The in-process emulator get_client() uses, new for this test (an empty outbox)."""
    shared_emulator.cache_clear()
    yield shared_emulator()
    shared_emulator.cache_clear()


@pytest.fixture
def settings(emulator):
    return get_settings()


@pytest.fixture
def client(emulator):
    return get_client()

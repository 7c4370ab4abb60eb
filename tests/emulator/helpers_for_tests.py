"""Small shared helpers for the emulator tests."""

import pytest
from twilio.base.exceptions import TwilioRestException


def rest_error(call, *args, **kwargs) -> TwilioRestException:
    """Run ``call`` and return the TwilioRestException it must raise."""
    with pytest.raises(TwilioRestException) as caught:
        call(*args, **kwargs)
    return caught.value

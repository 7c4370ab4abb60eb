"""A small app written the way Twilio's docs write it: credentials from the environment."""

import os
import time

from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client


def send_reminder(to, text, status_callback=None, attempts=3, wait=time.sleep):
    """Text `to`; on a 429 (Twilio is busy) `wait` a little and try again (a test hands it
    the emulator's clock, so the backoff costs no real time)."""
    client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"])
    extra = {"status_callback": status_callback} if status_callback else {}
    for attempt in range(1, attempts + 1):
        try:
            return client.messages.create(body=text, from_=os.environ["TWILIO_FROM_NUMBER"],
                                          to=to, **extra)
        except TwilioRestException as error:
            if error.status != 429 or attempt == attempts:
                raise
            wait(0.2 * attempt)

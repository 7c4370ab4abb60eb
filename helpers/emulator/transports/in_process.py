"""``EmulatorHttpClient``: the twilio library's HTTP client, answered in-process.

    client = Client(seed.TRIAL.sid, seed.TRIAL.auth_token,
                    http_client=EmulatorHttpClient(Emulator()))

Everything above the HTTP call (form encoding, paging, JSON parsing, exceptions) is the
twilio library's own code.
"""

from __future__ import annotations

import logging
import time

from requests.exceptions import ConnectTimeout, ReadTimeout
from twilio.http import HttpClient
from twilio.http.request import Request as TwilioRequest
from twilio.http.response import Response

from ..runtime.chaos import ChaosTimeout


class EmulatorHttpClient(HttpClient):
    """A ``twilio.http.HttpClient`` that hands every request to an ``Emulator``."""

    def __init__(self, emulator, logger: logging.Logger | None = None, timeout=None):
        super().__init__(logger or logging.getLogger("twilio.http_client"), is_async=False,
                         timeout=timeout)
        self.emulator = emulator

    @property
    def last_request(self) -> TwilioRequest | None:
        """The last request sent (the real client keeps it as ``_test_only_last_request``)."""
        return self._test_only_last_request

    @property
    def last_response(self) -> Response | None:
        return self._test_only_last_response

    def request(self, method, url, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False) -> Response:
        if timeout is not None and timeout <= 0:
            raise ValueError(timeout)
        method = method.upper()
        self._test_only_last_response = None
        self._test_only_last_request = TwilioRequest(
            method=method, url=url, auth=auth, params=params, data=data, headers=headers
        )
        if self.logger.isEnabledFor(logging.INFO):
            self.log_request(
                {"method": method, "url": url, "params": params, "headers": headers}
            )
        latency = self.emulator.chaos.latency
        if latency:
            time.sleep(latency)
        try:
            status, text, response_headers = self.emulator.handle(
                method, url, params=params, data=data, headers=headers, auth=auth
            )
        except ChaosTimeout as timed_out:
            error = ReadTimeout if timed_out.processed else ConnectTimeout
            raise error(f"{method} {url}: {timed_out} (emulator chaos)") from None
        self._test_only_last_response = Response(status, text, response_headers)
        return self._test_only_last_response

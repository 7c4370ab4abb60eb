"""`EmulatorServerHttpClient`: the real `requests` transport, pointed at a local emulator server.

The one-liner that sends any `twilio.rest.Client` to the emulator server::

    client = Client(sid, token, http_client=EmulatorServerHttpClient("http://127.0.0.1:8765"))

Twilio's library has no base-URL setting; its own advice is a custom HTTP client, so this one
keeps everything (`requests`, form encoding, retries, errors) and only rewrites the host.
"""

from urllib.parse import urlsplit

from twilio.http.http_client import TwilioHttpClient

API_HOST = "api.twilio.com"
API_VERSION_PREFIX = "/2010-04-01/"  # api.twilio.com's paths, served as they are
OTHER_HOSTS_PREFIX = "/_host/"


def local_path(url: str) -> str:
    """Map a Twilio URL to the emulator server's path (query string kept).

    `https://api.twilio.com/2010-04-01/...` (any edge/region too) keeps its path;
    another Twilio host such as `messaging.twilio.com` moves under `/_host/messaging/`.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host.endswith(".twilio.com"):
        raise ValueError(f"Not a Twilio URL: {url!r}")
    product = host.split(".", 1)[0]
    path = parts.path if product == "api" else f"{OTHER_HOSTS_PREFIX}{product}{parts.path}"
    return path + (f"?{parts.query}" if parts.query else "")


def twilio_url(path: str) -> str:
    """The inverse of `local_path`: the Twilio URL a server-side path stands for."""
    if path.startswith(OTHER_HOSTS_PREFIX):
        product, _, rest = path[len(OTHER_HOSTS_PREFIX):].partition("/")
        return f"https://{product}.twilio.com/{rest}"
    return f"https://{API_HOST}{path}"


class EmulatorServerHttpClient(TwilioHttpClient):
    """A `TwilioHttpClient` whose requests go to the emulator server at `base_url`."""

    def __init__(self, base_url: str, **kwargs):
        super().__init__(**kwargs)
        self.base_url = base_url.rstrip("/")
        if self.session is not None:
            self.session.trust_env = False  # a local server: never through an HTTP(S)_PROXY

    def __repr__(self) -> str:
        return f"EmulatorServerHttpClient({self.base_url!r})"

    @property
    def last_request(self):
        """The last request sent, as for the in-process `EmulatorHttpClient`."""
        return self._test_only_last_request

    @property
    def last_response(self):
        """The last response received (status_code, text, headers)."""
        return self._test_only_last_response

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.base_url + local_path(url), *args, **kwargs)

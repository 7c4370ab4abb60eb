"""Who may ask what: the instructor key, an account's own credentials, or an inbox session.

- The instructor key (`TWILIO_EMULATOR_ADMIN_KEY`, sent as `Authorization: Bearer <key>`)
  opens everything: the room's messages, chaos, the clock, inbound to any number.
- An account's own credentials (HTTP basic auth, as for Twilio's API) open that account.
- An inbox session is a signed cookie the page gets from the address `make lab` prints
  (`/inbox?token=<lab token>`: the seeded accounts), from a room's join page (the learner's own
  accounts) or from `/inbox?token=<instructor key>` (everything). Writes made with a session
  carry its CSRF token in `X-CSRF-Token`.

Every other token is derived from the instructor key (HMAC), so they survive a restart that
keeps the key and need no storage. `Gate` refuses foreign `Host` names (DNS rebinding) and
cross-site writes before any route runs.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import JSONResponse

from ... import seed
from ...errors import TwilioError
from .asgi import send_response

ADMIN_KEY_VARIABLE = "TWILIO_EMULATOR_ADMIN_KEY"
ADMIN = "admin"
LAB = "lab"
LEARNER = "learner:"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "127.0.0.1",
                            "::1"})  # the commonest first, without parsing an address


class AccessDenied(Exception):
    """A request without the credential its route needs: 401 (none) or 403 (not enough)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Viewer:
    """Who a request comes from: the instructor, or the accounts it may see."""

    admin: bool = False
    accounts: frozenset[str] = frozenset()
    scope: str | None = None  # the inbox session's scope, when the cookie authenticated it

    def may_see(self, account_sid: str | None) -> bool:
        """Room-wide (`None`) needs the instructor; an account needs to be one of ours."""
        return self.admin or (account_sid is not None and account_sid in self.accounts)


NOBODY = Viewer()


def new_admin_key() -> str:
    """A fresh instructor key (32 random URL-safe characters)."""
    return secrets.token_urlsafe(24)


class Keys:
    """The instructor key and every token derived from it."""

    def __init__(self, admin_key: str):
        if len(admin_key) < 16:
            raise ValueError("TWILIO_EMULATOR_ADMIN_KEY must be at least 16 characters.")
        self._key = admin_key.encode()
        self.lab_token = self._derive("lab-token")[:32]
        self.join_code = self._derive("join-code")[:12]
        self.cookie = f"twilio_emulator_{self._derive('cookie')[:8]}"  # one per key and server

    def _derive(self, purpose: str) -> str:
        digest = hmac.new(self._key, purpose.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def is_admin_key(self, text: str | None) -> bool:
        return _same(self._key.decode(), text)

    def is_lab_token(self, text: str | None) -> bool:
        return _same(self.lab_token, text)

    def is_join_code(self, text: str | None) -> bool:
        return _same(self.join_code, text)

    def session(self, scope: str) -> str:
        """The cookie value of a session over `scope` (ADMIN, LAB or `learner:<n>`)."""
        return f"{scope}.{self._derive('session:' + scope)}"

    def scope_of(self, cookie: str | None) -> str | None:
        """The scope a session cookie was signed for, or None if it was not signed here."""
        scope, _, _ = (cookie or "").rpartition(".")
        if scope and len(cookie) < 200 and hmac.compare_digest(cookie, self.session(scope)):
            return scope
        return None

    def csrf(self, scope: str) -> str:
        return self._derive("csrf:" + scope)


def _same(secret: str, text: str | None) -> bool:
    return text is not None and hmac.compare_digest(secret.encode(),
                                                    text.encode("utf-8", "replace"))


def _authorization(header: str) -> tuple[str, str]:
    """An `Authorization` header's scheme (lower case) and credential."""
    kind, _, credential = header.partition(" ")
    return kind.lower(), credential.strip()


def bearer(request: Request) -> str | None:
    """The key of an `Authorization: Bearer <key>` header, if the request has one."""
    kind, credential = _authorization(request.headers.get("authorization", ""))
    return credential if kind == "bearer" else None


def viewer_of(request: Request) -> Viewer:
    """Who sent `request`: by instructor key, basic-auth credentials or inbox session."""
    app = request.app.state
    key = bearer(request)
    if key is not None:
        if app.keys.is_admin_key(key):
            return Viewer(admin=True)
        raise AccessDenied(401, "Wrong instructor key: send Authorization: Bearer "
                                "<TWILIO_EMULATOR_ADMIN_KEY>.")
    kind, credential = _authorization(request.headers.get("authorization", ""))
    if kind == "basic":
        sid, token = _basic(credential)
        try:
            account = app.service.emulator.authenticate(sid, token)
        except TwilioError:
            raise AccessDenied(401, "Wrong Account SID or Auth Token (Twilio error 20003)."
                               ) from None
        return Viewer(accounts=frozenset({account.sid}))
    scope = app.keys.scope_of(request.cookies.get(app.keys.cookie))
    if scope is None:
        return NOBODY
    return Viewer(admin=scope == ADMIN, accounts=frozenset(accounts_of(request, scope)),
                  scope=scope)


def accounts_of(request: Request, scope: str) -> list[str]:
    """The account SIDs a session scope opens (the instructor's opens all: none to list)."""
    if scope == LAB:
        return [account.sid for account in seed.ACCOUNTS]
    learner = learner_of(request, scope)
    return [learner.trial.sid, learner.upgraded.sid] if learner else []


def learner_of(request: Request, scope: str | None) -> seed.Learner | None:
    """The learner a `learner:<n>` session scope stands for, else None."""
    number = (scope or "").removeprefix(LEARNER)
    if number == scope or not number.isdigit() or int(number) < 1:
        return None
    try:
        return request.app.state.service.emulator.directory.learner(int(number))
    except IndexError:  # a number no learner has (yet)
        return None


def require(request: Request, account_sid: str | None = None) -> Viewer:
    """The viewer, if it may act on `account_sid` (None: the whole room); writes made with an
    inbox session must carry its CSRF token."""
    viewer = viewer_of(request)
    if viewer is NOBODY:
        raise AccessDenied(401, "Sign in first: open the inbox from the address `make lab` or "
                                "the room's join page gave you, send the account's SID and "
                                "Auth Token (basic auth), or the instructor key "
                                "(Authorization: Bearer <TWILIO_EMULATOR_ADMIN_KEY>).")
    if not viewer.may_see(account_sid):
        needs = f"the account {account_sid}" if account_sid else "the instructor key"
        raise AccessDenied(403, f"This needs {needs}; your credential does not open it.")
    if viewer.scope and request.method not in SAFE_METHODS:
        given = request.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"),
                                   request.app.state.keys.csrf(viewer.scope).encode()):
            raise AccessDenied(403, "Missing or wrong X-CSRF-Token: reload the inbox page.")
    return viewer


def _basic(credential: str) -> tuple[str | None, str | None]:
    try:
        decoded = base64.b64decode(credential.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None, None
    sid, _, token = decoded.partition(":")
    return sid, token


def access_denied(request: Request, exc: AccessDenied):
    """The app's handler for `AccessDenied`: `{"error": ...}` with its status."""
    headers = {"WWW-Authenticate": 'Bearer realm="twilio-emulator"'} if exc.status == 401 else None
    return JSONResponse({"error": str(exc)}, status_code=exc.status, headers=headers)


class Gate:
    """ASGI middleware: refuse a foreign `Host` (DNS rebinding) and any cross-site write.

    A `Host` is ours when it is a loopback name, an IP address (which no DNS answer can
    rebind), this machine's name, or one allowed with `--allow-host`; a request carrying the
    instructor key (jupyter-server-proxy adds it, keeping the JupyterHub's own `Host`) passes.
    A write whose `Origin` is not this server's own address is refused, whatever it carries.
    """

    def __init__(self, app, keys: Keys, allowed_hosts: frozenset[str] = frozenset()):
        self.app = app
        self.keys = keys
        self.allowed = LOOPBACK_NAMES | {socket.gethostname().lower(),
                                         socket.getfqdn().lower()} | allowed_hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            problem = self.problem(scope)
            if problem:
                await send_response(send, 403, json.dumps({"error": problem}).encode())
                return
        await self.app(scope, receive, send)

    def problem(self, scope) -> str | None:
        headers = dict(scope["headers"])
        host = headers.get(b"host", b"").decode("latin-1")
        if not self.host_is_ours(host) and not self._has_admin_key(headers):
            return (f"Host {host[:100]!r} is not this server's name. Use http://127.0.0.1:<port>"
                    ", the machine's IP address, or start the server with --allow-host NAME.")
        if scope["method"] not in SAFE_METHODS:
            origin = headers.get(b"origin")
            if origin is not None and origin.decode("latin-1") not in (
                    f"http://{host}", f"https://{host}"):
                return "Cross-site write refused: this page's origin is not the emulator's."
            if headers.get(b"sec-fetch-site") == b"cross-site":
                return "Cross-site write refused (Sec-Fetch-Site: cross-site)."
        return None

    def host_is_ours(self, host: str) -> bool:
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = name.strip("[]").lower()
        if name in self.allowed or name.endswith(".localhost"):
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def _has_admin_key(self, headers: dict) -> bool:
        kind, key = _authorization(headers.get(b"authorization", b"").decode("latin-1"))
        return kind == "bearer" and self.keys.is_admin_key(key)

"""Accounts: the seeded ones (``seed.ACCOUNTS``), basic-auth credentials, clearing one's state."""

from __future__ import annotations

import hmac

from .. import seed
from ..errors import TwilioError
from ..state.store import Store

ACCOUNTS = {account.sid: account for account in seed.ACCOUNTS}


def authenticate(username: str | None, password: str | None) -> seed.Account:
    """The seeded account these HTTP basic-auth credentials open (else Twilio's 20003)."""
    account = ACCOUNTS.get(username or "")
    given = (password or "").encode("utf-8", "replace")  # any text: bytes compare safely
    if account is None or not hmac.compare_digest(account.auth_token.encode(), given):
        raise TwilioError(20003)
    return account


def clear(store: Store, account_sid: str | None) -> None:
    """Forget one account's (or everyone's) messages, media, callbacks and logged attempts,
    and free the queues on its numbers so a new message goes out at once; other accounts
    keep theirs."""
    store.clear(account_sid, [
        number.phone_number
        for account in seed.ACCOUNTS if account_sid in (None, account.sid)
        for number in account.numbers
    ])

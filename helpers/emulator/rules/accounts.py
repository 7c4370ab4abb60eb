"""Accounts: the seeded ones (``seed.ACCOUNTS``) and a room's learners (``Directory``),
basic-auth credentials, clearing one's state."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

from .. import seed
from ..errors import TwilioError
from ..state.store import Store

MAX_NAME = 40


class Directory:
    """The accounts one emulator knows: the seeded ones, then its learners' (from the store).

    Learners are only ever added, by any process sharing the state file; a lookup that
    misses reads the ones added since it last looked, so a hit (every seeded account and
    every learner already seen) costs no query.
    """

    def __init__(self, store: Store):
        self.store = store
        self._learners: list[seed.Learner] = []
        self._accounts = {account.sid: account for account in seed.ACCOUNTS}
        self._numbers = {number.phone_number: (account, number)
                         for account in seed.ACCOUNTS for number in account.numbers}

    def _load(self) -> None:
        """Take in the learners added since the last look, by this process or another."""
        with self.store.lock:  # one thread at a time: each learner is taken in once
            for row in self.store.learners(after=len(self._learners)):
                learner = seed.learner(**row)
                self._learners.append(learner)
                for account in (learner.trial, learner.upgraded):
                    self._accounts[account.sid] = account
                    self._numbers.update((number.phone_number, (account, number))
                                         for number in account.numbers)

    def account(self, sid: str) -> seed.Account | None:
        """The account ``sid``, else None."""
        if sid not in self._accounts:
            self._load()
        return self._accounts.get(sid)

    def owner(self, phone_number: str) -> tuple[seed.Account, seed.PhoneNumber] | None:
        """(the account, the number) of an owned ``phone_number``, else None."""
        if phone_number not in self._numbers:
            self._load()
        return self._numbers.get(phone_number)

    def authenticate(self, username: str | None, password: str | None) -> seed.Account:
        """The account these HTTP basic-auth credentials open (else Twilio's 20003)."""
        account = self.account(username or "")
        given = (password or "").encode("utf-8", "replace")  # any text: bytes compare safely
        if account is None or not hmac.compare_digest(account.auth_token.encode(), given):
            raise TwilioError(20003)
        return account

    def learners(self) -> list[seed.Learner]:
        """Every learner, in the order they joined."""
        with self.store.lock:
            self._load()
            return list(self._learners)

    def learner(self, number: int) -> seed.Learner:
        """Learner ``number`` (1 is the first to join)."""
        if number > len(self._learners):
            self._load()
        return self._learners[number - 1]

    def accounts(self) -> list[seed.Account]:
        """The seeded accounts, then each learner's trial and upgraded ones."""
        with self.store.lock:  # no other thread adds to them meanwhile
            self._load()
            return list(self._accounts.values())


def learner_name(name: str) -> str:
    """``name`` stripped, its whitespace runs made one space; else a ValueError saying why."""
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not 1 <= len(text) <= MAX_NAME or not text.isprintable():
        raise ValueError(f"A learner's name is 1 to {MAX_NAME} printable characters (letters,"
                         f" digits, spaces, punctuation), got {name!r}.")
    return text


def add_learner(store: Store, name: str, now: float) -> int:
    """Store a new learner with two fresh accounts (random SIDs and tokens); returns their
    number. Run it in a transaction: numbers stay sequential across processes."""
    text = learner_name(name)
    number = len(store.learners()) + 1
    if number > seed.MAX_LEARNERS:
        raise ValueError(f"The room is full: it already has {seed.MAX_LEARNERS} learners,"
                         " the most one emulator holds.")
    store.insert_learner({
        "number": number, "name": text, "created": now,
        "trial_sid": "AC" + secrets.token_hex(16), "trial_token": secrets.token_hex(16),
        "upgraded_sid": "AC" + secrets.token_hex(16), "upgraded_token": secrets.token_hex(16),
    })
    return number


def clear(store: Store, account_sid: str | None,
          known: Iterable[seed.Account] = seed.ACCOUNTS) -> None:
    """Forget one account's (or everyone's) messages, media, callbacks and logged attempts,
    and free the queues on its numbers (``known``: the accounts there are) so a new message
    goes out at once; other accounts keep theirs."""
    store.clear(account_sid, [
        number.phone_number
        for account in known if account_sid in (None, account.sid)
        for number in account.numbers
    ])

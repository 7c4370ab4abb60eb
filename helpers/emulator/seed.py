"""The emulator's seeded world: accounts, numbers, services, magic and failure numbers.

Everything here is fictional and offline. The tutorial's own code works unchanged on the
default (trial) account: From `+15017122661` or `+15017122662`, To `+15558675310`,
`+14158141829` or `+15017122661` (from `+15017122662`, as the original tutorial sends: a
number texting itself is 21266, as at Twilio).

Accounts (`seed.TRIAL.sid` / `seed.TRIAL.auth_token`, ...; tokens never print):

| Account            | Type  | Behaviour                                                      |
|--------------------|-------|----------------------------------------------------------------|
| `TRIAL` (default)  | Trial | Bodies start `Sent from your Twilio trial account - `; To must |
|                    |       | be in `TRIAL.verified` (else 21608).                           |
| `UPGRADED`         | Full  | No prefix; To may be any number in `GEO_PERMISSIONS` countries.|
| `TEST_CREDENTIALS` | Full  | Twilio's test credentials: magic numbers only, messages stay   |
|                    |       | `queued`, no callbacks, no `MessagingServiceSid`; any request  |
|                    |       | but creating a message is 403, 20008.                          |

Numbers each real account owns:

| Kind       | TRIAL                      | UPGRADED                   | Speed     | Can do        |
|------------|----------------------------|----------------------------|-----------|---------------|
| long code  | +15017122661, +15017122662 | +14155550100, +14155550101 | 1 seg/s   | SMS MMS voice |
| toll-free  | +18005550100               | +18885550100               | 3 seg/s   | SMS MMS voice |
| short code | 24345                      | 24346                      | 100 seg/s | SMS MMS       |
| SMS-only   | +15017122663               | +14155550102               | 1 seg/s   | SMS (no MMS)  |
| voice-only | +15017122664               | +14155550103               | -         | voice (no SMS)|

Media from the SMS-only number gives 21621; any message from the voice-only one gives 21606.
Each account also has a Messaging Service (`TRIAL.messaging_service`; the trial one is
`MESSAGING_SERVICE_SID`) whose sender pool is its two long codes and its toll-free number:
a message sent with `MessagingServiceSid` starts `accepted` with `num_segments` "0" and
`from` null, and gets a sender (the pool number free soonest) half a second later. When the
pool cannot send it within the queue window (10 hours) it is still accepted, then fails with
30001 (a From number refuses at once with 21611). Only a service message can be scheduled
(`schedule_type="fixed"`, `send_at` 5 minutes to 35 days ahead): it stays `scheduled` (and
may be canceled) until `send_at`. No account has a WhatsApp or other channel sender: a
`whatsapp:` From is 63007, a `whatsapp:` To 21910. A number cannot text itself (21266).

Learners (a workshop room, ``Emulator.add_learner(name)``): learner n (1..``MAX_LEARNERS``)
gets a trial and an upgraded account of their own (random SIDs and tokens, kept in the state
file), shaped like TRIAL and UPGRADED, with numbers made from n (NNN: n in three digits):

| Kind       | trial                          | upgraded                       |
|------------|--------------------------------|--------------------------------|
| long code  | +1628555NNN1, +1628555NNN2     | +1629555NNN1, +1629555NNN2     |
| toll-free  | +1833555NNN0                   | +1844555NNN0                   |
| short code | 6 and n in five digits (600007)| 7 and n in five digits (700007)|
| SMS-only   | +1628555NNN3                   | +1629555NNN3                   |
| voice-only | +1628555NNN4                   | +1629555NNN4                   |

Each has a Messaging Service pooling its two long codes and its toll-free number; a trial
learner verifies TRIAL's phones. No learner number is seeded, magic or a failure number.

Verified caller IDs of TRIAL: +15558675310, +14158141829, +15017122661 and the recipients
below. Recipients with a known outcome (any real account):

| To           | Outcome                                                          |
|--------------|------------------------------------------------------------------|
| +15005553003 | 201, then `undelivered` with error 30003 (unreachable handset)   |
| +15005553005 | 201, then `undelivered` with error 30005 (unknown handset)       |
| +15005553006 | 201, then `undelivered` with error 30006 (landline or carrier)   |
| +15005553007 | 201, then `undelivered` with error 30007 (filtered as spam)      |
| +15005553034 | 201, then `failed` with error 30034 (unregistered 10DLC sender)  |
| +15558675311 | 400, error 21610: this phone texted STOP to every seeded number  |
| +15558675312 | 400, error 21614: a landline, not a mobile number                |

Magic numbers, with TEST_CREDENTIALS only (as Twilio documents them): From `+15005550006`
passes, `+15005550001` -> 21212, `+15005550007` -> 21606, `+15005550008` -> 21611, any
other From -> 21606. To `+15005550001` -> 21211, `+15005550002` -> 21612, `+15005550003`
-> 21408, `+15005550004` -> 21610, `+15005550009` -> 21614, anything else passes.
With the TRIAL or UPGRADED credentials these are ordinary numbers.

The trial prefix, the magic numbers, the failure recipients and the senders' speeds are
Twilio's facts (``helpers.facts``); this module imports them, and ``seed.TRIAL_PREFIX``,
``seed.MAGIC_TO``, ``seed.FAILURE_NUMBERS``... still name them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from helpers.facts import (  # noqa: F401 - the magic numbers and the prefix are re-exported
    FAILURE_NUMBERS,
    LONG_CODE_MPS,
    MAGIC_FROM,
    MAGIC_FROM_OK,
    MAGIC_TO,
    SHORT_CODE_MPS,
    TOLL_FREE_MPS,
    TRIAL_PREFIX,
)


@dataclass(frozen=True)
class PhoneNumber:
    """A number an account owns; ``mps`` is how many segments per second it sends."""

    phone_number: str
    sid: str
    kind: str  # "long_code", "toll_free" or "short_code"
    friendly_name: str
    sms: bool = True
    mms: bool = True
    voice: bool = True
    mps: float = LONG_CODE_MPS


@dataclass(frozen=True)
class MessagingService:
    """A Messaging Service (``MG...``) and the numbers in its sender pool, in order."""

    sid: str
    friendly_name: str
    pool: tuple[PhoneNumber, ...]

    @property
    def senders(self) -> tuple[str, ...]:
        """The pool's phone numbers, in order."""
        return tuple(number.phone_number for number in self.pool)


@dataclass(frozen=True, eq=False)
class Account:
    """A Twilio account; ``auth_token`` is left out of repr so it never prints. Two accounts
    are equal only if they are the same object (cheap to hash: the rules' caches key on it)."""

    sid: str
    auth_token: str = field(repr=False)
    friendly_name: str
    type: str  # "Trial" or "Full"
    numbers: tuple[PhoneNumber, ...] = ()
    messaging_service: MessagingService | None = None
    verified: tuple[str, ...] = ()
    test_credentials: bool = False

    @cached_property
    def is_trial(self) -> bool:
        return self.type == "Trial"

    def number(self, kind: str) -> PhoneNumber:
        """The first number of ``kind`` ("long_code", "toll_free", "short_code", ...)."""
        return next(n for n in self.numbers if n.kind == kind)

    @cached_property
    def _owned(self) -> dict[str, PhoneNumber]:
        return {number.phone_number: number for number in self.numbers}

    def owned(self, phone_number: str) -> PhoneNumber | None:
        """The account's number ``phone_number`` (E.164 or a short code), else None."""
        return self._owned.get(phone_number)


DEFAULT_FROM = "+15017122661"
DEFAULT_TO = "+15558675310"
DEMO_MEDIA_URL = "https://demo.twilio.com/owl.png"

OPTED_OUT_NUMBER = "+15558675311"
LANDLINE_NUMBER = "+15558675312"

# Countries real accounts may text (Console > Messaging > Geo permissions); others -> 21408.
GEO_PERMISSIONS = frozenset(
    {"US", "CA", "PR", "GB", "IE", "FR", "DE", "ES", "IT", "NL", "MX", "BR", "IN", "AU", "NZ", "JP"}
)


def _numbers(tag: str, long_codes, toll_free, short_code, sms_only, voice_only, sids):
    first, second = long_codes
    return (
        PhoneNumber(first, sids[0], "long_code", f"{tag} long code"),
        PhoneNumber(second, sids[1], "long_code", f"{tag} second long code"),
        PhoneNumber(toll_free, sids[2], "toll_free", f"{tag} toll-free", mps=TOLL_FREE_MPS),
        PhoneNumber(short_code, sids[3], "short_code", f"{tag} short code", voice=False,
                    mps=SHORT_CODE_MPS),
        PhoneNumber(sms_only, sids[4], "sms_only", f"{tag} SMS-only", mms=False, voice=False),
        PhoneNumber(voice_only, sids[5], "voice_only", f"{tag} voice-only", sms=False,
                    mms=False, mps=0.0),
    )


_TRIAL_NUMBERS = _numbers(
    "Trial", ("+15017122661", "+15017122662"), "+18005550100", "24345", "+15017122663",
    "+15017122664",
    (
        "PN988b47da01b6f74f9624e2d85e965765", "PNfd96f4dca9b994d97163cbcfe8dff612",
        "PN69b6af1299c0142516dcab5e986a2f21", "SC9e57bb16464b09a32c555fc7fd398867",
        "PN139d52e81ad18deb1e4b81dbaf459398", "PN13243a9f1edf3d4a23e6fe4ce3ce3b29",
    ),
)
_UPGRADED_NUMBERS = _numbers(
    "Upgraded", ("+14155550100", "+14155550101"), "+18885550100", "24346", "+14155550102",
    "+14155550103",
    (
        "PNa082e9c8e61ff502f86674c219985bdd", "PN10e266b1a811baf3c02cc0575f874c6c",
        "PNbb1572d197389a37344ce01d5c8c3b9b", "SCac672657ecf82d5da0913acc24630162",
        "PNce397e0023d29cacee239141b396af0d", "PN43d98ed1381d2769981bb6a99089460c",
    ),
)

TRIAL = Account(
    sid="AC22dd43a883f0d677bd33d8c73c7c1bd1",
    auth_token="c803ee5e39c530d86eafc892e313d334",
    friendly_name="My first Twilio account",
    type="Trial",
    numbers=_TRIAL_NUMBERS,
    messaging_service=MessagingService(
        "MGf64bf075a3179c72c0c1b0eedebcaa6f", "Tutorial Messaging Service", _TRIAL_NUMBERS[:3],
    ),
    verified=("+15558675310", "+14158141829", "+15017122661", OPTED_OUT_NUMBER,
              LANDLINE_NUMBER, *FAILURE_NUMBERS),
)
UPGRADED = Account(
    sid="ACe4c33a4368bebd062c655872368ec3e8",
    auth_token="a45c2c89d59cd2703afa7b89167a2dce",
    friendly_name="Upgraded Twilio account",
    type="Full",
    numbers=_UPGRADED_NUMBERS,
    messaging_service=MessagingService(
        "MGace16f2a6f230edd258c6fcc5d565be3", "Upgraded Messaging Service",
        _UPGRADED_NUMBERS[:3],
    ),
    verified=("+15558675310", "+14158141829"),
)
TEST_CREDENTIALS = Account(
    sid="AC705e94c301fefbe2e1a7d3565c490897",
    auth_token="37540c47d743e6345d2cd7d4211463c1",
    friendly_name="Test credentials",
    type="Full",
    test_credentials=True,
)
ACCOUNTS = (TRIAL, UPGRADED, TEST_CREDENTIALS)

VERIFIED_NUMBERS = TRIAL.verified
LONG_CODE = TRIAL.number("long_code")
TOLL_FREE = TRIAL.number("toll_free")
SHORT_CODE = TRIAL.number("short_code")
SMS_ONLY = TRIAL.number("sms_only")
VOICE_ONLY = TRIAL.number("voice_only")
MESSAGING_SERVICE_SID = TRIAL.messaging_service.sid

# -- a workshop room's learners ----------------------------------------------------------
MAX_LEARNERS = 500


@dataclass(frozen=True)
class Learner:
    """A learner of a room: number ``number`` (1..MAX_LEARNERS), their own trial and upgraded
    accounts, and when they joined (a Unix timestamp)."""

    number: int
    name: str
    trial: Account
    upgraded: Account
    created: float


def derived_sid(prefix: str, text: str) -> str:
    """A SID (`prefix` and 32 hex digits) that `text` always gives: the same across runs."""
    return prefix + hashlib.sha256(text.encode()).hexdigest()[:32]


def _learner_account(n: int, name: str, sid: str, token: str, trial: bool) -> Account:
    """Learner ``n``'s trial or upgraded account (its numbers: the table at the top)."""
    area, toll_free, short_code = ("628", "833", "6") if trial else ("629", "844", "7")
    kind = "trial" if trial else "upgraded"
    line = f"555{n:03d}"
    long_codes = (f"+1{area}{line}1", f"+1{area}{line}2")
    phones = (*long_codes, f"+1{toll_free}{line}0", f"{short_code}{n:05d}",
              f"+1{area}{line}3", f"+1{area}{line}4")
    numbers = _numbers(f"Learner {n} {kind}", long_codes, *phones[2:],
                       [derived_sid("PN" if phone.startswith("+") else "SC", phone)
                        for phone in phones])
    return Account(
        sid=sid, auth_token=token, friendly_name=f"{name} ({kind}, learner {n})",
        type="Trial" if trial else "Full", numbers=numbers,
        messaging_service=MessagingService(
            derived_sid("MG", sid), f"Learner {n} {kind} Messaging Service", numbers[:3]),
        verified=(TRIAL if trial else UPGRADED).verified,
    )


def learner(number: int, name: str, trial_sid: str, trial_token: str, upgraded_sid: str,
            upgraded_token: str, created: float) -> Learner:
    """Learner ``number`` with the accounts their stored SIDs and tokens open."""
    return Learner(number, name, _learner_account(number, name, trial_sid, trial_token, True),
                   _learner_account(number, name, upgraded_sid, upgraded_token, False), created)

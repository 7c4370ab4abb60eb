"""Messaging Services: a sender pool; a message to a service is ``accepted``, then sent
from the pool number that can send it soonest."""

from __future__ import annotations

from .. import seed
from ..errors import TwilioError
from ..state.store import Store


def service(account: seed.Account, sid: str | None) -> seed.MessagingService | None:
    """The account's service a create names (None if it names none), else 21705."""
    if not sid:
        return None
    found = account.messaging_service
    if found is None or found.sid != sid:  # another account's service too
        raise TwilioError(21705, sid=sid)
    return found


def own_service(account: seed.Account, sid: str, path: str) -> seed.MessagingService:
    """The account's service at ``path`` (a fetch), else 20404."""
    found = account.messaging_service
    if found is None or found.sid != sid:
        raise TwilioError(20404, path=path)
    return found


def pool(found: seed.MessagingService) -> list[seed.PhoneNumber]:
    """The numbers in a service's sender pool, in pool order."""
    return list(found.pool)


def pick_sender(store: Store, found: seed.MessagingService, mms: bool,
                now: float) -> seed.PhoneNumber:
    """The pool number that can send this message soonest (first in the pool on a tie)."""
    capable = [number for number in pool(found) if not mms or number.mms]
    return min(capable, key=lambda number: max(store.busy_until(number.phone_number), now))

"""Bulk sending: a dry run (`plan_bulk`) and a paced, concurrent, resumable send (`send_bulk`).

    from helpers.bulk import plan_bulk, send_bulk
    plan = plan_bulk(["+14155550123", "+14155550124"], "Hello!", from_="+15017122661")
    result = send_bulk(client, ["+14155550123", "+14155550124"], "Hello!", from_="+15017122661")
"""

from .ledger import Ledger, Outcome
from .pacing import EmulatorClock, RealClock, TokenBucket
from .plan import BulkInputError, Plan, plan_bulk
from .recipients import Recipients, load_recipients
from .report import BulkResult
from .sender import BulkAborted, ConfirmationRequired, LedgerMismatch, send_bulk

__all__ = [
    "BulkAborted", "BulkInputError", "BulkResult", "ConfirmationRequired", "EmulatorClock",
    "Ledger", "LedgerMismatch", "Outcome", "Plan", "RealClock", "Recipients", "TokenBucket",
    "load_recipients", "plan_bulk", "send_bulk",
]

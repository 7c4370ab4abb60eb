"""The result of a bulk send: per-recipient outcomes, counts, a table and a small status chart."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field

from .ledger import Outcome
from .plan import Plan

TABLE_ROWS = 25
BAR_WIDTH = 30
PROBLEM_STATES = ("refused", "error", "unknown", "invalid")
PROBLEM_STATUSES = ("failed", "undelivered")
COLOURS = {
    "delivered": "#2e7d32", "sent": "#43a047", "queued": "#1e88e5", "accepted": "#1e88e5",
    "sending": "#1e88e5", "scheduled": "#8e24aa", "undelivered": "#ef6c00", "failed": "#c62828",
    "refused": "#c62828", "error": "#c62828", "unknown": "#6d4c41", "invalid": "#757575",
    "pending": "#9e9e9e",
}


@dataclass
class BulkResult:
    """What happened to every recipient. `outcomes` is in recipient order; `counts` by status."""

    plan: Plan
    outcomes: list[Outcome]
    ledger: str
    refresher: object = field(default=None, repr=False)

    @property
    def counts(self) -> Counter:
        """How many recipients ended in each status (queued, delivered, refused, invalid, ...)."""
        return Counter(outcome.label for outcome in self.outcomes)

    @property
    def sent(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == "sent"]

    @property
    def not_sent(self) -> list[Outcome]:
        """Recipients without a message: refused, gave up, unknown or invalid."""
        return [o for o in self.outcomes if o.state in PROBLEM_STATES]

    def refresh(self) -> BulkResult:
        """Fetch each sent message's current status from Twilio (delivered, undelivered, ...)."""
        if self.refresher is not None:
            self.outcomes = self.refresher(self.outcomes)
        return self

    def summary(self) -> str:
        """One line: how many messages Twilio accepted, and where each recipient stands.

        Accepted is not delivered: until `refresh()`, the statuses are those of the answers."""
        counts = ", ".join(f"{n} {label}" for label, n in self.counts.most_common())
        return (f"Twilio accepted {len(self.sent)} of {len(self.outcomes)} messages ({counts}). "
                f"Ledger: {self.ledger}")

    def _rows(self) -> list[Outcome]:
        def problem(o: Outcome) -> bool:
            return o.state in PROBLEM_STATES or o.status in PROBLEM_STATUSES

        problems = [o for o in self.outcomes if problem(o)]
        return (problems + [o for o in self.outcomes if not problem(o)])[:TABLE_ROWS]

    def __str__(self) -> str:
        lines = [self.summary(), ""]
        widest = max((len(label) for label in self.counts), default=0)
        total = max(self.counts.values(), default=1)
        for label, n in self.counts.most_common():
            bar = "█" * max(1, round(BAR_WIDTH * n / total))
            lines.append(f"{label:<{widest}}  {bar} {n}")
        lines.append("")
        lines.append(f"{'To':<16} {'Status':<12} {'SID':<34} {'Error':<6} Detail")
        for o in self._rows():
            lines.append(f"{o.recipient:<16} {o.label:<12} {o.sid or '':<34} "
                         f"{o.error_code or '':<6} {o.error_message or ''}")
        hidden = len(self.outcomes) - len(self._rows())
        if hidden:
            lines.append(f"... and {hidden} more (result.outcomes holds them all)")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        total = max(self.counts.values(), default=1)
        bars = "".join(
            f"<tr><td style='text-align:left'>{html.escape(label)}</td><td style='text-align:left'>"
            f"<div style='display:inline-block;height:0.9em;width:{max(2, 200 * n // total)}px;"
            f"background:{COLOURS.get(label, '#546e7a')}'></div> {n}</td></tr>"
            for label, n in self.counts.most_common()
        )
        rows = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(v))}</td>" for v in (
                o.recipient, o.label, o.sid or "", o.error_code or "", o.error_message or "",
                o.attempts)) + "</tr>"
            for o in self._rows()
        )
        hidden = len(self.outcomes) - len(self._rows())
        more = (f"<p>... and {hidden} more (<code>result.outcomes</code> holds them all)</p>"
                if hidden else "")
        head = "".join(f"<th style='text-align:left'>{h}</th>"
                       for h in ("To", "Status", "SID", "Error", "Detail", "Attempts"))
        return (f"<p>{html.escape(self.summary())}</p><table>{bars}</table>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{more}")

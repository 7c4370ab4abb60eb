"""A cell's outputs as comparable text, with only what differs between the two paths masked.

CI replays each notebook on a fresh in-memory emulator whose clock starts at a fixed instant and
moves only on `wait()`. Under `make lab` every kernel shares one state file (every message the
learner sent so far) and a real-time clock with the emulator server. Only what follows from that
is masked below, each rule with its reason; everything else (status words, counts, prices,
relative times such as "after 4 s" or "t+2s", phone numbers, account SIDs) must match exactly.
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field

import nbformat
from nbval.plugin import coalesce_streams

WIDGET = "application/vnd.jupyter.widget-view+json"
COMPARED_DATA = ("text/plain", "text/html")

# Message (SM), MMS (MM) and media (ME) SIDs are made from row numbers in the state file
# (helpers/emulator/state/sids.py). On the learner path the file already holds every message sent
# earlier, so the rows, hence the SIDs, differ. They are numbered per cell in order of
# appearance: a cell that shows one message twice must still show the same SID twice.
# Account (AC), Messaging Service (MG) and phone number (PN) SIDs are seeded constants, the
# same on both paths, so they are left alone.
SID = re.compile(r"\b(SM|MM|ME)[0-9a-f]{32}\b")

# Absolute times: CI's clock starts at Mon, 06 Jan 2025 15:00:00 UTC; the learner's is the wall
# clock plus every wait(). Three spellings reach the outputs: ISO 8601 (isoformat(), str() of a
# datetime), RFC 2822 (Twilio's JSON: date_created, date_sent, date_updated) and Python reprs
# of datetimes (date fields inside a printed dict, list or dataclass).
ISO_8601 = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)
RFC_2822 = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} "
    r"(?:[+-]\d{4}|GMT|UTC)"
)
DATETIME_REPR = re.compile(  # tzinfo=datetime.timezone(datetime.timedelta(...)) nests twice
    r"\bdatetime\.(?:datetime|date)\(\d{4}(?:, ?\d+)*"
    r"(?:, ?tzinfo=(?:[^()]|\((?:[^()]|\([^()]*\))*\))*)?\)"
)
# A callback's RawDlrDoneDate: when the carrier reported the outcome, YYMMDDhhmm (UTC).
RAW_DLR_DONE_DATE = re.compile(r"(?<='RawDlrDoneDate': ')\d{10}(?=')")
DATETIME = "<datetime>"

# Loopback ports are picked free at run time (the emulator server, the status receiver).
# Only 127.0.0.1: "localhost:5000" in notebook 05 is a literal, the same on both paths.
LOOPBACK_PORT = re.compile(r"\b127\.0\.0\.1:\d+")

# The one hint that legitimately differs: where the phone inbox is (no server in CI, the
# server's address under `make lab`). The notebooks mark it: an HTML element of class
# tutorial-path-note, and a text line starting with "Inbox:".
PATH_NOTE_OPEN = re.compile(
    r"<(?P<tag>[A-Za-z][\w-]*)\b[^>]*\bclass\s*=\s*(?P<q>[\"'])[^\"']*"
    r"\btutorial-path-note\b[^\"']*(?P=q)[^>]*>"
)
PATH_NOTE = "<tutorial-path-note/>"
INBOX_LINE = re.compile(r"^Inbox:.*$", re.MULTILINE)
INBOX = "Inbox: <path-dependent>"


@dataclass
class SidNumbers:
    """Each distinct SID of one cell's outputs gets the next number: SM<sid1>, MM<sid2>, ..."""

    seen: dict[str, int] = field(default_factory=dict)

    def __call__(self, match: re.Match) -> str:
        number = self.seen.setdefault(match.group(0), len(self.seen) + 1)
        return f"{match.group(1)}<sid{number}>"


def normalise(text: str, sids: SidNumbers | None = None) -> str:
    """`text` (a stream, text/plain or text/html) with SIDs, times and loopback ports masked."""
    text = SID.sub(sids or SidNumbers(), text)
    text = DATETIME_REPR.sub(DATETIME, text)
    text = RAW_DLR_DONE_DATE.sub(DATETIME, text)
    text = RFC_2822.sub(DATETIME, text)
    text = ISO_8601.sub(DATETIME, text)
    return LOOPBACK_PORT.sub("127.0.0.1:<port>", text)


def mask_path_notes_html(html: str) -> str:
    """Every element of class tutorial-path-note (children included) becomes one marker."""
    pieces, position = [], 0
    while match := PATH_NOTE_OPEN.search(html, position):
        pieces += [html[position:match.start()], PATH_NOTE]
        position = _element_end(html, match.group("tag"), match.end())
    return "".join(pieces) + html[position:]


def _element_end(html: str, tag: str, position: int) -> int:
    """Where the element whose start tag ends at `position` closes (the end if it never does)."""
    tags = re.compile(rf"<(/?){re.escape(tag)}\b[^>]*?(/?)>", re.IGNORECASE)
    depth = 1
    for match in tags.finditer(html, position):
        if match.group(1):
            depth -= 1
        elif not match.group(2):
            depth += 1
        if depth == 0:
            return match.end()
    return len(html)


def mask_path_notes_text(text: str) -> str:
    return INBOX_LINE.sub(INBOX, text)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def cell_view(outputs: list) -> list[tuple[str, str]]:
    """A cell's outputs as (label, normalised text) pairs, in order: what is compared.

    Streams are merged by name first, as nbval does (how print() output is chunked into
    messages depends on timing). Widget outputs compare only their text/plain: the model id
    in the widget's view data is random. Error tracebacks are left out (paths, colours).
    """
    sids = SidNumbers()
    view = []
    for output in coalesce_streams([nbformat.from_dict(copy.deepcopy(o)) for o in outputs]):
        kind = output["output_type"]
        if kind == "stream":
            text = mask_path_notes_text(_text(output["text"]))
            view.append((f"{kind}: {output['name']}", normalise(text, sids)))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if WIDGET in data:
                view.append((f"{kind}: widget", ""))
                mimes = ["text/plain"]
            else:
                view.append((f"{kind}: {', '.join(sorted(data))}", ""))
                mimes = [mime for mime in COMPARED_DATA if mime in data]
            for mime in mimes:
                text = _text(data.get(mime, ""))
                masked = mask_path_notes_html(text) if mime == "text/html" else (
                    mask_path_notes_text(text))
                view.append((mime, normalise(masked, sids)))
        elif kind == "error":
            view.append((kind, f"{output['ename']}: {normalise(output['evalue'], sids)}"))
        else:
            view.append((kind, ""))
    return view


def has_error(outputs: list) -> bool:
    return any(output["output_type"] == "error" for output in outputs)


def _readable(view: list[tuple[str, str]]) -> list[str]:
    """Lines for a diff: HTML is split between tags so a change shows up on a short line."""
    lines = []
    for label, text in view:
        lines.append(f"[{label}]")
        if label == "text/html":
            text = text.replace("><", ">\n<")
        lines += text.splitlines() if text else []
    return lines


def view_diff(committed: list[tuple[str, str]], new: list[tuple[str, str]],
              context: int = 3) -> str:
    """A unified diff of the normalised committed view against the normalised new one."""
    diff = "\n".join(difflib.unified_diff(
        _readable(committed), _readable(new),
        "committed (normalised)", "learner path (normalised)", n=context, lineterm="",
    ))
    if diff or committed == new:
        return diff
    return f"(only line endings differ)\ncommitted: {committed!r}\nlearner:   {new!r}"

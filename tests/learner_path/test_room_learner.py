"""Every notebook, run by a learner in a workshop room, tells its committed story.

A room is one emulator server started with `--room` (docs/instructor.md). A learner opens the
join link, gives a name, and puts the join page's `.env` lines in their tutorial folder: the
kernels then talk to the room's server over HTTP, with an account of the learner's own (no
shared state file, no instructor key). Another learner is in the room too, sending from their
own account before and between notebooks, so the isolation the room promises is put to work.

This test plays that learner: one room for all notebooks (sorted, one xdist worker), a new
kernel per notebook whose environment has no TWILIO_* variable and whose TUTORIAL_ENV_PATH
names a `.env` holding exactly the join page's lines, and the reading pauses of
test_learner_path.py (the room's clock moves ahead, with the instructor key). For each notebook:

1. no cell raises;
2. each compared cell shows what its committed output shows, once masked as on the learner
   path (normalise.py) and once the learner's own accounts, numbers, SIDs and names are put
   back to the seeded ones they stand for (built from the join page and the server's answers
   about the learner's accounts, never written down here), and the room's address to the
   in-process emulator's words for where messages go;
3. nothing of the other learner (account, numbers, messages, name) shows up.

At the end the learner's account holds their messages and the seeded accounts hold none.
Executed notebooks are saved under test-artifacts/room-learner/.

    .venv/bin/pytest -q tests/learner_path/test_room_learner.py -p no:randomly
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from twilio.rest import Client

from helpers.emulator import seed
from helpers.emulator.transports.remote import EmulatorServerHttpClient
from tests.instructor import admin_session, env_of, join_room

from .learner import REPO, CellRun, Lab, LearnerPathError, run_notebook
from .test_learner_path import mismatch, pause_schedule

NOTEBOOKS = sorted((REPO / "notebooks").glob("0*.ipynb"))
ARTIFACTS = REPO / "test-artifacts" / "room-learner"
OTHER_BODY = "Other learner's private note"  # what the other learner sends, numbered
OTHER_SENDS_PER_VISIT = 2

pytestmark = pytest.mark.xdist_group("room_learner")


# -- who is in the room ---------------------------------------------------------------------
@dataclass
class RoomLearner:
    """A learner who joined: their `.env` lines, as the join page shows them, and the page."""

    name: str
    env: dict[str, str]
    page: str
    sent: list[str] = field(default_factory=list)  # SIDs of what the test sent as them

    @property
    def number(self) -> int:
        return int(re.search(r"you are learner (\d+) of this room", self.page).group(1))

    @property
    def upgraded(self) -> tuple[str, str]:
        """The upgraded account's SID and token, from the join page's last paragraph."""
        found = re.search(r"<code>(AC[0-9a-f]{32})</code>, Auth Token <code>([0-9a-f]{32})"
                          r"</code>", self.page)
        return found.group(1), found.group(2)

    def client(self) -> Client:
        return Client(self.env["TWILIO_ACCOUNT_SID"], self.env["TWILIO_AUTH_TOKEN"],
                      http_client=EmulatorServerHttpClient(self.env["TWILIO_EMULATOR_URL"]))


def join(url: str, name: str) -> RoomLearner:
    """`name` opens the room's join link in a browser and sends the form (tests/server's way)."""
    _, _, page = join_room(url, name)
    assert page.history and page.history[0].status_code == 303, page.text
    return RoomLearner(name, env_of(page.text), page.text)


def server_view(url: str, sid: str, token: str) -> tuple[str, list[tuple[str, str, str]],
                                                      list[tuple[str, str]]]:
    """An account as the room's server describes it to its owner: its friendly name, its
    numbers (number, SID, friendly name; short codes included) and its Messaging Services
    (SID, friendly name)."""
    client = Client(sid, token, http_client=EmulatorServerHttpClient(url))
    numbers = [(n.phone_number, n.sid, n.friendly_name)
               for n in client.incoming_phone_numbers.list()]
    numbers += [(n.short_code, n.sid, n.friendly_name) for n in client.short_codes.list()]
    services = [(s.sid, s.friendly_name) for s in client.messaging.v1.services.list()]
    return client.api.v2010.accounts(sid).fetch().friendly_name, numbers, services


# -- the learner's things, put back to the seeded ones they stand for -------------------------
@dataclass
class StandsFor:
    """Text replacements: each of the learner's values -> the seeded value it stands for.

    A replacement of another length keeps a padded column: a short code printed
    `f"{n:<13}"` is followed by spaces that absorb the difference (at least one stays).
    """

    pairs: dict[str, str] = field(default_factory=dict)

    def add(self, mine: str, seeded: str) -> None:
        assert mine not in self.pairs or self.pairs[mine] == seeded, (mine, seeded)
        if mine != seeded:
            self.pairs[mine] = seeded

    @property
    def pattern(self) -> re.Pattern:
        words = sorted(self.pairs, key=len, reverse=True)  # the longest first
        return re.compile(r"(?<![\w+])(" + "|".join(map(re.escape, words)) + r")(?!\w)( *)")

    def __call__(self, text: str) -> str:
        if not self.pairs:
            return text

        def put_back(match: re.Match) -> str:
            mine, spaces = match.group(1), match.group(2)
            seeded = self.pairs[mine]
            if spaces:
                spaces = " " * max(1, len(spaces) + len(mine) - len(seeded))
            return seeded + spaces

        return self.pattern.sub(put_back, text)


def stands_for(learner: RoomLearner, url: str) -> StandsFor:
    """What the learner's trial and upgraded accounts stand for: TRIAL and UPGRADED.

    Numbers pair up by what they are (the part of the friendly name after the account's tag:
    "long code", "second long code", "toll-free", ...), not by their digits.
    """
    mapping = StandsFor()
    env = learner.env
    accounts = [(env["TWILIO_ACCOUNT_SID"], env["TWILIO_AUTH_TOKEN"], seed.TRIAL, "Trial"),
                (*learner.upgraded, seed.UPGRADED, "Upgraded")]
    for sid, token, seeded, tag in accounts:
        name, numbers, services = server_view(url, sid, token)
        mapping.add(sid, seeded.sid)
        mapping.add(token, seeded.auth_token)
        mapping.add(name, seeded.friendly_name)
        by_kind = {number.friendly_name.removeprefix(f"{tag} "): number
                   for number in seeded.numbers}
        learner_tag = f"Learner {learner.number} {tag.lower()} "
        assert len(numbers) == len(by_kind), numbers
        for phone_number, number_sid, friendly_name in numbers:
            kind = friendly_name.removeprefix(learner_tag)
            assert kind in by_kind, (friendly_name, sorted(by_kind))
            mapping.add(phone_number, by_kind[kind].phone_number)
            mapping.add(number_sid, by_kind[kind].sid)
            mapping.add(friendly_name, by_kind[kind].friendly_name)
        service = seeded.messaging_service
        assert len(services) == 1, services
        mapping.add(services[0][0], service.sid)
        mapping.add(services[0][1], service.friendly_name)
        if seeded is seed.TRIAL:
            assert services[0][0] == env["TWILIO_MESSAGING_SERVICE_SID"]
            assert mapping.pairs.get(env["TWILIO_FROM_NUMBER"]) == seed.DEFAULT_FROM
    assert env["MY_PHONE_NUMBER"] == seed.DEFAULT_TO  # the learner's phone is the seeded one
    # Where messages go: the room's server, where the in-process emulator says "offline
    # emulator" (the mode banner) and has no URL (the Settings repr). Like the inbox's address
    # (normalise.INBOX_LINE), it is what tells the paths apart, so only it is put back.
    url = env["TWILIO_EMULATOR_URL"]
    mapping.add(f"emulator server at {url}", "offline emulator")
    mapping.add(f"emulator_url='{url}'", "emulator_url=None")
    return mapping


def rewritten(outputs: list, rewrite) -> list:
    """`outputs` with `rewrite` applied to every text normalise.cell_view compares."""
    outputs = copy.deepcopy(outputs)
    for output in outputs:
        if "text" in output:
            output["text"] = rewrite(_text(output["text"]))
        for mime, value in output.get("data", {}).items():
            if mime.startswith("text/"):
                output["data"][mime] = rewrite(_text(value))
        if "evalue" in output:
            output["evalue"] = rewrite(output["evalue"])
    return outputs


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def every_text(outputs: list) -> str:
    texts = []
    for output in outputs:
        texts.append(_text(output.get("text", "")))
        texts += [_text(value) for value in output.get("data", {}).values()
                  if isinstance(value, str | list)]
        texts += [output.get("evalue", ""), *output.get("traceback", [])]
    return "\n".join(texts)


# -- the room --------------------------------------------------------------------------------
@dataclass
class Room:
    lab: Lab
    learner: RoomLearner
    other: RoomLearner
    mapping: StandsFor
    env_file: Path
    ran: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.lab.server.url

    def other_sends(self) -> None:
        """The other learner texts their own phone, from their own number."""
        client = self.other.client()
        for _ in range(OTHER_SENDS_PER_VISIT):
            body = f"{OTHER_BODY} {len(self.other.sent) + 1}"
            sent = client.messages.create(body=body, from_=self.other.env["TWILIO_FROM_NUMBER"],
                                          to=self.other.env["MY_PHONE_NUMBER"])
            self.other.sent.append(sent.sid)

    def other_traces(self) -> list[str]:
        """What of the other learner must never show in this learner's outputs."""
        env = self.other.env
        return [*self.other.sent, env["TWILIO_ACCOUNT_SID"], env["TWILIO_AUTH_TOKEN"],
                env["TWILIO_FROM_NUMBER"], env["TWILIO_MESSAGING_SERVICE_SID"],
                *self.other.upgraded, OTHER_BODY, f"learner {self.other.number}",
                self.other.name]

    def kernel_env(self) -> dict[str, str]:
        """The learner's kernel: no TWILIO_* variable (no state file, no instructor key); the
        `.env` the join page gave is all it knows."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("TWILIO_")}
        env["TUTORIAL_ENV_PATH"] = str(self.env_file)
        return env

    def messages(self, account_sid: str) -> list[dict]:
        with admin_session() as session:
            answer = session.get(f"{self.url}/_emulator/messages",
                                 params={"account_sid": account_sid}, timeout=10)
        assert answer.ok, answer.text
        return answer.json()["messages"]


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """The workshop room: its server, the other learner (already sending), then our learner."""
    home = tmp_path_factory.mktemp("room-learner")
    try:
        lab = Lab.start(home, room=True)
    except LearnerPathError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        other = join(lab.server.url, "Grace")
        room = Room(lab, None, other, StandsFor(), home / ".env")
        room.other_sends()  # before our learner arrives
        learner = join(lab.server.url, "Ada")
        assert learner.number != other.number
        room.learner, room.mapping = learner, stands_for(learner, lab.server.url)
        room.env_file.write_text("".join(f"{k}={v}\n" for k, v in learner.env.items()))
        yield room
    finally:
        lab.stop()


def save(notebook, path: Path) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / path.name
    nbformat.write(notebook, target)
    return target


def errors(path: Path, runs: list[CellRun]) -> list[str]:
    """Cells that raised: the learner saw a traceback (whatever the committed cell shows)."""
    found = []
    for run in runs:
        for output in run.outputs:
            if output["output_type"] == "error":
                source = run.source.splitlines()[:4]
                found.append(f"{path.name} cell {run.index} raised {output['ename']}: "
                             f"{output['evalue']}\n" + "\n".join(f"    {s}" for s in source))
    return found


def leaks(path: Path, runs: list[CellRun], traces: list[str], whose: str) -> list[str]:
    """Cells whose outputs show any of `traces` (`whose` they are, for the message)."""
    return [f"{path.name} cell {run.index} shows {trace!r}: {whose}"
            for run in runs for trace in traces
            if trace and re.search(rf"(?<![\w+]){re.escape(trace)}(?!\w)",
                                   every_text(run.outputs))]


# The seeded accounts' SIDs and tokens: a learner's own outputs never show them (their account
# stands for the trial one; a notebook that names a seeded account works on someone else's).
SEEDED_SECRETS = [value for account in seed.ACCOUNTS
                  for value in (account.sid, account.auth_token,
                                *(n.sid for n in account.numbers),
                                *([account.messaging_service.sid]
                                  if account.messaging_service else []))]

@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_notebook_in_a_room(path: Path, room: Room):
    room.other_sends()  # between notebooks, the other learner sends too
    try:
        runs, executed = run_notebook(path, room.kernel_env(),
                                      pause_schedule(room.lab, NOTEBOOKS.index(path)),
                                      room.lab.home)
    except LearnerPathError as error:
        pytest.fail(str(error), pytrace=False)
    saved = save(executed, path)
    room.ran.append(path.name)
    problems = (errors(path, runs)
                + leaks(path, runs, room.other_traces(), "the other learner's")
                + leaks(path, runs, SEEDED_SECRETS, "a seeded account's, not the learner's"))
    mismatches = []
    for run in runs:
        mine = CellRun(run.index, run.source, run.pause, run.committed,
                       rewritten(run.outputs, room.mapping), run.compared)
        if problem := mismatch(path, mine):
            mismatches.append(problem)
    if problems or mismatches:
        pytest.fail(
            f"{len(problems) + len(mismatches)} problem(s) of {path.name} in a room "
            f"(executed copy: {saved.relative_to(REPO)}):\n\n"
            + "\n\n".join(problems + mismatches), pytrace=False)


def test_the_room_kept_each_learner_to_their_own_account(room: Room):
    """After the notebooks: the learner's trial account holds what they sent, the other
    learner's holds exactly theirs, and no seeded account holds anything."""
    if len(room.ran) != len(NOTEBOOKS):
        pytest.fail(f"Run with every notebook first (ran: {room.ran})", pytrace=False)
    mine = room.messages(room.learner.env["TWILIO_ACCOUNT_SID"])
    assert mine and all(m["account_sid"] == room.learner.env["TWILIO_ACCOUNT_SID"]
                        for m in mine)
    assert not any(OTHER_BODY in (m.get("body") or "") for m in mine)
    theirs = room.messages(room.other.env["TWILIO_ACCOUNT_SID"])
    assert sorted(m["sid"] for m in theirs) == sorted(room.other.sent)
    for account in seed.ACCOUNTS:
        assert room.messages(account.sid) == [], account.friendly_name
    assert room.messages(room.learner.upgraded[0]) == []


def test_room_learner_tests_share_one_xdist_worker(request):
    """As for the learner path: one worker, one room, the notebooks in order."""
    if request.config.getoption("loadgroup", False):
        assert request.node.nodeid.endswith("@room_learner"), request.node.nodeid


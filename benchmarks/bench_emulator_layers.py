"""Where an emulated create spends its time, measured in place (inside the real client's loop).

    .venv/bin/python benchmarks/bench_emulator_layers.py

Each line replaces one more layer of the emulator with a canned answer, from the inside
out (JSON rendering, then the rules and store, then request parsing, then everything), and
prints the emulator's cost per create over the no-op floor. The difference between two
lines is what the removed layer costs where it really runs: between the twilio library's
own work, which makes every layer dearer than a micro-benchmark of it alone suggests.
Each line is a fresh process, so the layers stay independent.
"""

from __future__ import annotations

import subprocess
import sys

from bench_emulator import creates_per_second, warmed_clients  # the same floor and timing

from helpers.emulator import Emulator, core
from helpers.emulator.api import routing
from helpers.emulator.resources import Message
from helpers.emulator.rules import messages

LAYERS = ("", "json", "json,rules", "json,rules,parse", "json,rules,parse,handle")
LABELS = {"": "whole emulator", "json": "without JSON rendering",
          "json,rules": "... and without rules and store", "json,rules,parse":
          "... and without request parsing", "json,rules,parse,handle": "transport only"}


def measure(stubbed: set[str], rounds: int = 40, n: int = 500) -> tuple[float, float]:
    """(emulator cost over the floor, floor) in microseconds per create."""
    emulator = Emulator(queue_window=1e12)
    client, floor_client = warmed_clients(emulator)
    canned = client.http_client.last_response
    row = emulator.store.find_messages(limit=1)[0]
    if "json" in stubbed:
        Message.to_json = lambda _message: canned.text
    if "rules" in stubbed:
        messages.create = lambda *_args: row
    if "parse" in stubbed:
        def dispatch(store, *_args):
            with store.transaction():
                return routing._render(201, canned.text)
        core.dispatch = dispatch
    if "handle" in stubbed:
        emulator.handle = lambda *_args, **_kwargs: (201, canned.text, dict(canned.headers))
    floor = emulated = 0.0
    for _ in range(rounds):
        floor = max(floor, creates_per_second(floor_client, n))
        emulated = max(emulated, creates_per_second(client, n))
    return 1e6 / emulated - 1e6 / floor, 1e6 / floor


def main() -> None:
    if len(sys.argv) > 1:  # one measurement, in this process
        cost, floor = measure(set(sys.argv[1].split(",")) - {""})
        print(f"{cost:.1f} {floor:.1f}")
        return
    for layers in LAYERS:
        out = subprocess.run([sys.executable, __file__, layers or ","], capture_output=True,
                             text=True, check=True).stdout.split()
        print(f"{LABELS[layers]:34s} emulator {float(out[0]):5.1f} us/create"
              f"  (floor {float(out[1]):.1f} us)")


if __name__ == "__main__":
    main()

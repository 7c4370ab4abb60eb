"""Machine instructions per create, emulator vs the no-op floor, counted by valgrind.

    .venv/bin/python benchmarks/bench_instructions.py [--n 2000]

Timings on a shared machine move by several points from one run to the next; an
instruction count does not (hash seed fixed), so it shows whether a change to the create
path made it cheaper. It is not the whole story: the timed ratio also pays for cache
misses and page faults, which instructions do not show. Needs Debian's ``valgrind``.

Each side runs twice, with ``--n`` more creates the second time; the difference, divided
by ``--n``, leaves out start-up and warm-up.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys

from bench_emulator import creates_per_second, warmed_clients  # the same floor and loop

from helpers.emulator import Emulator

WARM_UP = 300


def run(side: str, n: int) -> None:
    """In the child process under valgrind: warm up, then ``n`` creates on one side."""
    client, floor_client = warmed_clients(Emulator(queue_window=1e12), WARM_UP)
    creates_per_second(floor_client if side == "floor" else client, n)


def instructions(side: str, n: int) -> int:
    """Instructions the whole child process ran (valgrind's ``I refs``)."""
    result = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--child", side, "--n", str(n)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    return int(re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)[1].replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="creates counted per side")
    parser.add_argument("--child", choices=("floor", "emulator"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run(args.child, args.n)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    per_create = {side: (instructions(side, 5 * args.n // 4) - instructions(side, args.n // 4))
                  / args.n for side in ("floor", "emulator")}
    floor, emulated = per_create["floor"], per_create["emulator"]
    print(f"instructions per create, no-op HttpClient (floor): {floor:,.0f}")
    print(f"instructions per create, emulator (in memory):    {emulated:,.0f}")
    own = emulated - floor
    print(f"the emulator's own: {own:,.0f} ({own / floor:.0%} of the floor)")


if __name__ == "__main__":
    main()

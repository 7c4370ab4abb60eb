"""A bulk send in its own process, for the kill-and-resume test: one line per finished recipient.

usage: python kill_child.py EMULATOR_DB LEDGER COUNT
"""

import sys

from twilio.rest import Client

from helpers.bulk import send_bulk
from helpers.emulator import Emulator, EmulatorHttpClient, seed

BODY = "Meeting moved to 3pm. Reply STOP to opt out."


def main(emulator_db: str, ledger: str, count: int) -> None:
    emulator = Emulator(emulator_db)
    emulator.set_chaos(latency=0.002, ptimeout=0.03)
    account = seed.UPGRADED
    client = Client(account.sid, account.auth_token, http_client=EmulatorHttpClient(emulator))
    recipients = [f"+1202555{1000 + i:04d}" for i in range(count)]
    print("ready", flush=True)
    send_bulk(client, recipients, BODY, from_=account.number("short_code").phone_number,
              ledger=ledger, workers=4, progress=False,
              on_outcome=lambda o: print(o.recipient, o.state, flush=True))
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))

"""Load: 50 concurrent clients x 200 messages over HTTP, nothing lost, and a restart keeps all."""

from concurrent.futures import ThreadPoolExecutor

from helpers.emulator.seed import DEFAULT_TO, UPGRADED

from .conftest import client_for, start_server

CLIENTS = 50
MESSAGES_EACH = 200
SHORT_CODE = UPGRADED.number("short_code").phone_number


def send_batch(server, worker: int) -> list[str]:
    client = client_for(server, UPGRADED)  # one client (one connection pool) per worker
    return [client.messages.create(body=f"load {worker}-{n}", from_=SHORT_CODE, to=DEFAULT_TO).sid
            for n in range(MESSAGES_EACH)]


def test_fifty_clients_lose_nothing_and_a_restart_keeps_everything(db_path):
    server = start_server(db_path)
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            batches = list(pool.map(lambda worker: send_batch(server, worker), range(CLIENTS)))
    finally:
        server.stop()
    sent = {sid for batch in batches for sid in batch}
    assert len(sent) == CLIENTS * MESSAGES_EACH  # every create answered 201 with its own sid

    restarted = start_server(db_path)
    try:
        stored = {m.sid for m in client_for(restarted, UPGRADED).messages.stream(page_size=1000)}
    finally:
        restarted.stop()
    assert stored == sent

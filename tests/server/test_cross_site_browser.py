"""A web page from another origin, open in the instructor's own signed-in Chromium, tries to
change the emulator's state (issue 14, item 2): it changes nothing and reads nothing."""

import json

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from helpers.emulator.seed import DEFAULT_FROM, DEFAULT_TO, TRIAL
from helpers.webserver import BackgroundServer
from tests.instructor import ADMIN_KEY

ATTACKS = """
const target = TARGET;
const simple = (path, body) => fetch(target + path, {method: "POST", mode: "no-cors",
  credentials: "include", headers: {"Content-Type": "text/plain"}, body})
  .then(() => "sent", (e) => "blocked: " + e);
async function run() {
  const results = {};
  results.chaos = await simple("/_emulator/chaos", '{"p429": 0.3}');
  results.clock = await simple("/_emulator/clock", '{"advance": 86400}');
  results.stop = await simple("/_emulator/inbound",
    '{"from": "PHONE", "to": "NUMBER", "body": "STOP"}');
  results.clear = await fetch(target + "/_emulator/messages?account_sid=ACCOUNT",
    {method: "DELETE", credentials: "include"}).then((r) => "status " + r.status,
    (e) => "blocked: " + e);
  results.read = await fetch(target + "/_emulator/messages", {credentials: "include"})
    .then((r) => r.text(), (e) => "blocked: " + e);
  const form = document.createElement("form");  // a plain HTML form, posted in a frame
  Object.assign(form, {method: "POST", action: target + "/_emulator/clock",
                       enctype: "text/plain", target: "sink"});
  const field = Object.assign(document.createElement("input"),
                              {name: '{"advance": 86400, "x": "', value: '"}'});
  form.append(field);
  document.body.append(form);
  const posted = new Promise((resolve) => { document.getElementById("sink").onload = resolve; });
  form.submit();
  await posted;
  results.form = "submitted";
  window.results = results;
}
run();
"""


def attacker_site(target: str) -> Starlette:
    script = (ATTACKS.replace("TARGET", json.dumps(target)).replace("PHONE", DEFAULT_TO)
              .replace("NUMBER", DEFAULT_FROM).replace("ACCOUNT", TRIAL.sid))

    async def page(request):
        return HTMLResponse(f'<iframe name="sink" id="sink"></iframe><script>{script}</script>')

    return Starlette(routes=[Route("/", page)])


def test_a_page_from_another_origin_changes_and_reads_nothing(browser, server, client):
    client.messages.create(body="keep me", from_=DEFAULT_FROM, to=DEFAULT_TO)
    before = (server.emulator.clock.now(), server.emulator.chaos.settings,
              [m["sid"] for m in server.emulator.messages()])
    context = browser.new_context()
    victim = context.new_page()
    try:
        victim.goto(f"{server.url}/inbox?token={ADMIN_KEY}")  # the instructor, signed in
        assert victim.evaluate("() => fetch('_emulator/session').then(r => r.json())")[
            "instructor"] is True
        with BackgroundServer(attacker_site(server.url)) as attacker:
            victim.goto(attacker.url)
            victim.wait_for_function("() => window.results !== undefined", timeout=15_000)
            results = victim.evaluate("() => window.results")
    finally:
        context.close()
    after = (server.emulator.clock.now(), server.emulator.chaos.settings,
             [m["sid"] for m in server.emulator.messages()])
    assert after == before, results
    assert results["read"].startswith("blocked"), results  # no CORS: the answer is unreadable
    assert results["clear"].startswith("blocked"), results  # its preflight is refused

"""Room mode's join page: each learner gets a Trial and an upgraded account of their own.

The instructor hands out `/join?code=<join code>` (printed when the server starts in room
mode). A learner gives a name and gets a session cookie over their two accounts, and a page
with the `.env` lines that point their notebooks at the room's server. Opening `/join` again
in the same browser shows the same page.
"""

import html
from string import Template
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ...inbox import TEMPLATES
from ...seed import DEFAULT_TO, Learner
from .auth import LEARNER, learner_of, viewer_of
from .routes_inbox import sign_in
from .service import service_of

PAGE = Template((TEMPLATES / "join.html").read_text(encoding="utf-8"))
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def page(title: str, content: str, status: int = 200) -> Response:
    return HTMLResponse(PAGE.substitute(title=html.escape(title), content=content),
                        status_code=status, headers=NO_STORE)


def name_form(code: str, problem: str = "") -> str:
    warning = f'<p class="problem">{html.escape(problem)}</p>' if problem else ""
    return (f"{warning}<form method=post action=join>"
            f'<input type=hidden name=code value="{html.escape(code)}">'
            "<label>Your name <input name=name maxlength=40 required autofocus></label> "
            "<button>Join the room</button></form>")


async def join(request: Request) -> Response:
    keys = request.app.state.keys
    if request.method == "POST":
        try:
            form = dict(parse_qsl((await request.body()).decode("utf-8", "replace"),
                                  max_num_fields=4))
        except ValueError:  # more fields than the form has
            form = {}
        code = form.get("code", "")
        if not keys.is_join_code(code):
            return wrong_code()
        service = service_of(request)
        try:
            learner = await service.call(service.emulator.add_learner, form.get("name", ""))
        except ValueError as problem:
            return page("Join the room", name_form(code, str(problem)), 400)
        answer = RedirectResponse("join", 303)
        sign_in(answer, request, f"{LEARNER}{learner.number}")
        return answer
    learner = learner_of(request, viewer_of(request).scope)
    if learner is not None:
        return credentials(request, learner)
    code = request.query_params.get("code", "")
    if not keys.is_join_code(code):
        return wrong_code()
    return page("Join the room", name_form(code))


def wrong_code() -> Response:
    return page("Wrong join code", "<p>Ask the instructor for the room's join link.</p>", 403)


def credentials(request: Request, learner: Learner) -> Response:
    """The learner's own accounts, as `.env` lines."""
    trial, upgraded = learner.trial, learner.upgraded
    server = str(request.base_url).rstrip("/")
    env = "\n".join([
        "TWILIO_MODE=emulator", f"TWILIO_EMULATOR_URL={server}",
        f"TWILIO_ACCOUNT_SID={trial.sid}", f"TWILIO_AUTH_TOKEN={trial.auth_token}",
        f"TWILIO_FROM_NUMBER={trial.number('long_code').phone_number}",
        f"MY_PHONE_NUMBER={DEFAULT_TO}",
        f"TWILIO_MESSAGING_SERVICE_SID={trial.messaging_service.sid}",
    ])
    content = (
        f"<p>Welcome, {html.escape(learner.name)}: you are learner {learner.number} of this "
        "room. These accounts are yours alone; nobody else in the room sees their messages.</p>"
        "<p>Put these lines in the <code>.env</code> file of the tutorial folder (replace what "
        "is there), then restart the notebook's kernel:</p>"
        f'<pre id="env">{html.escape(env)}</pre>'
        f"<p>Your upgraded (paid) account, for the steps that need one: "
        f"<code>{upgraded.sid}</code>, Auth Token <code>{html.escape(upgraded.auth_token)}</code>, "
        f"number <code>{upgraded.number('long_code').phone_number}</code>.</p>"
        '<p><a href="inbox">Open your phone inbox</a> to watch your messages arrive.</p>')
    return page("Your room accounts", content)


routes = [Route("/join", join, methods=["GET", "POST"])]

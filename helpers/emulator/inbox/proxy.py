"""The JupyterLab launcher entry (jupyter-server-proxy): "Twilio Phone Inbox".

Registered in pyproject.toml under `[project.entry-points.jupyter_serverproxy_servers]`.
jupyter-server-proxy starts the server on a free port when the entry is first opened and serves
it at `<jupyter base url>/twilio-inbox/`; the inbox only uses relative URLs, so it works there.
"""

import sys

from . import STATIC

ICON = STATIC / "phone-inbox.svg"


def setup_emulator_proxy() -> dict:
    """The server-process settings jupyter-server-proxy reads from this entry point."""
    return {
        "command": [sys.executable, "-m", "helpers.emulator", "serve", "--port", "{port}"],
        "timeout": 30,
        "launcher_entry": {
            "title": "Twilio Phone Inbox",
            "icon_path": str(ICON),
            "path_info": "twilio-inbox/inbox",
        },
    }

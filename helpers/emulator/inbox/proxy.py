"""The JupyterLab launcher entry (jupyter-server-proxy): "Twilio Phone Inbox".

Registered in pyproject.toml under `[project.entry-points.jupyter_serverproxy_servers]`.
jupyter-server-proxy starts the server on a free port when the entry is first opened and serves
it at `<jupyter base url>/twilio-inbox/`; the inbox only uses relative URLs, so it works there.
Jupyter has already signed the user in, so the proxy adds the server's instructor key to every
request it forwards (the key of `make lab`, else one made for this Jupyter server).
"""

import os
import sys

from ..transports.http.auth import ADMIN_KEY_VARIABLE, new_admin_key
from . import STATIC

ICON = STATIC / "phone-inbox.svg"


def setup_emulator_proxy() -> dict:
    """The server-process settings jupyter-server-proxy reads from this entry point."""
    key = os.environ.get(ADMIN_KEY_VARIABLE) or new_admin_key()
    return {
        "command": [sys.executable, "-m", "helpers.emulator", "serve", "--port", "{port}",
                    "--exit-with-parent"],  # never outlives the JupyterLab that started it
        "environment": {ADMIN_KEY_VARIABLE: key},
        "request_headers_override": {"Authorization": f"Bearer {key}"},
        "timeout": 30,
        "launcher_entry": {
            "title": "Twilio Phone Inbox",
            "icon_path": str(ICON),
            "path_info": "twilio-inbox/inbox",
        },
    }

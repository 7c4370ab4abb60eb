"""Every notebook in notebooks/, run from JupyterLab's menus as a learner runs it.

Each one is cleared (Edit > Clear Outputs of All Cells), run (Run > Run All Cells), and must
finish with every cell executed, no exception, the emulator banner at the top, an output for
every cell that had one when committed, and every widget drawn. Notebooks listed in
KEY_MOMENTS must also show the outputs the lesson is about; a screenshot of that moment is
saved under test-artifacts/browser/.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .jupyterlab_ui import Notebook

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
MESSAGE_SID = r"SM[0-9a-f]{32}"
MMS_SID = r"MM[0-9a-f]{32}"


def committed_output_cells(path: Path) -> set[int]:
    """Indexes of the cells that have outputs in the committed notebook."""
    cells = json.loads(path.read_text())["cells"]
    return {i for i, cell in enumerate(cells) if cell.get("outputs")}


def account_setup(notebook: Notebook) -> None:
    expect(notebook.output_of("account.type")).to_contain_text(re.compile(r"Type:\s+Trial"))
    form = notebook.form("tutorial-env-form")
    expect(form.locator("input[type=password]")).to_be_visible()
    notebook.screenshot("env-form", form)


def first_sms(notebook: Notebook) -> None:
    expect(notebook.output_of("print(message.sid)")).to_have_text(
        re.compile(rf"^{MESSAGE_SID}\s*$")
    )
    expect(notebook.output_of("print(message.status)")).to_contain_text("queued")
    phone_inbox_shows_the_first_message(notebook)
    form = notebook.form("tutorial-sms-form")
    expect(form.locator(".tutorial-segment-counter")).to_contain_text(
        re.compile(r"\d+ segments? · UCS-2")
    )
    notebook.screenshot("sms-form", form)


def phone_inbox_shows_the_first_message(notebook: Notebook) -> None:
    """01 introduces the inbox right after the first send: its link opens the phone inbox,
    where the message just sent is a bubble on the learner's phone."""
    sid = notebook.output_of("print(message.sid)").inner_text().strip()
    link = notebook.output_of("show_phone(message)").locator("a.tutorial-inbox-link")
    address = r"^http://127\.0\.0\.1:\d+/inbox"
    expect(link).to_have_attribute("href", re.compile(address + r"\?token=[\w-]+$"))
    expect(link).to_have_text(re.compile(address + "$"))  # the sign-in token is not shown
    with notebook.page.context.expect_page() as opened:
        link.click()
    inbox = opened.value
    try:
        bubble = inbox.locator(f'.phone[data-number="+15558675310"] .bubble[data-sid="{sid}"]')
        expect(bubble).to_contain_text("Kessel Run in fourteen parsecs")
        notebook.screenshot("inbox-from-01", inbox.locator("body"))  # bubbles redraw as they tick
    finally:
        inbox.close()


def inspect_response(notebook: Notebook) -> None:
    table = notebook.output_of("for name, meaning in FIELDS.items()")
    for field, value in [
        ("sid", f"'{MESSAGE_SID}'"),
        ("status", "'queued'"),
        ("direction", "'outbound-api'"),
        ("num_segments", "'1'"),
    ]:
        expect(table).to_contain_text(re.compile(rf"^{field}\s+{value}$", re.MULTILINE))
    notebook.screenshot("response-table", table, max_height=330)
    expect(notebook.output_of("watched = watched.fetch()")).to_contain_text("delivered")


def multiple_recipients(notebook: Notebook) -> None:
    results = notebook.output_of("results[number] = error.code")
    expect(results).to_contain_text(re.compile(rf"\+15558675310\s+{MESSAGE_SID}"))
    expect(results).to_contain_text(re.compile(r"\+1555867531\s+21211"))
    notebook.screenshot("per-recipient-results", results)


def mms(notebook: Notebook) -> None:
    expect(notebook.output_of("print(message.sid)")).to_contain_text(re.compile(MMS_SID))
    expect(notebook.output_of("message.media.list()")).to_contain_text("image/png")
    form = notebook.form("tutorial-mms-form")
    image = form.locator(".tutorial-media-preview img").first
    expect(image).to_have_js_property("complete", True)
    expect(image).not_to_have_js_property("naturalWidth", 0)
    notebook.screenshot("mms-form", form)


def delivery_status(notebook: Notebook) -> None:
    statuses = notebook.output_of("receiver.statuses(message.sid)")
    expect(statuses).to_contain_text("callback received: delivered")
    expect(notebook.output_of("is_from_twilio(request) for request")).to_contain_text("True")
    notebook.screenshot("status-callbacks", statuses)


KEY_MOMENTS = {
    "00_account_setup": account_setup,
    "01_first_sms": first_sms,
    "02_inspect_response": inspect_response,
    "03_multiple_recipients": multiple_recipients,
    "04_mms": mms,
    "05_delivery_status": delivery_status,
}


def test_every_key_moment_names_a_notebook():
    assert set(KEY_MOMENTS) <= {path.stem for path in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_runs_from_the_menus(lab, path):
    notebook = lab.run(str(path.relative_to(REPO)))

    assert notebook.errors() == []
    assert notebook.unexecuted_cells() == []
    expect(notebook.outputs.first).to_contain_text("EMULATOR")
    shown = {output["cell"] for output in notebook.output_records()}
    assert committed_output_cells(path) - shown == set(), "cells that lost their output"
    widgets = notebook.node.locator(
        ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.widget-view+json']"
    )
    for index in range(widgets.count()):
        expect(widgets.nth(index).locator(".jupyter-widgets").first).to_be_visible()
    expect(notebook.node).not_to_contain_text("Error displaying widget")

    check_key_moment = KEY_MOMENTS.get(path.stem)
    if check_key_moment:
        check_key_moment(notebook)
    notebook.screenshot("end-of-run")
    assert lab.external_requests == [], "the page tried to reach the internet"

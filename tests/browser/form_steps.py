"""Steps shared by the tests that use the SMS and MMS forms."""

import itertools

from playwright.sync_api import Locator, expect

_settle_lengths = itertools.count(start=3)


def click_send(form: Locator, double: bool = False) -> None:
    """Click Send (twice if `double`) and wait until the kernel has handled every click.

    The kernel handles widget events in order, so once the counter shows an edit of the body
    made after the clicks, the sends are over and the result below the button is theirs. (The
    edit changes the form, not what was sent.)"""
    button = form.get_by_role("button", name="Send")
    if double:
        button.dblclick()
    else:
        button.click()
    length = next(_settle_lengths)
    form.get_by_label("Body").fill("." * length)
    expect(form).to_contain_text(f"· {length} characters")


def result_text(form: Locator) -> str:
    """What the form says about the last send: the success card or the refusal."""
    return form.locator(".widget-html").last.inner_text()

"""Steps shared by the tests that use the SMS and MMS forms.

Parts are found by the CSS classes helpers/forms gives them (`tutorial-send`,
`tutorial-segment-counter`, `tutorial-result`, ...), not by their texts."""

import itertools

from playwright.sync_api import Locator, expect

_settle_lengths = itertools.count(start=3)


def click_send(form: Locator, double: bool = False) -> None:
    """Click Send (twice if `double`) and wait until the kernel has handled every click.

    The kernel handles widget events in order, so once the counter shows an edit of the body
    made after the clicks, the sends are over and the result below the button is theirs. (The
    edit changes the form, not what was sent.)"""
    button = form.locator(".tutorial-send")
    if double:
        button.dblclick()
    else:
        button.click()
    length = next(_settle_lengths)
    form.get_by_label("Body").fill("." * length)
    expect(form.locator(".tutorial-segment-counter")).to_contain_text(f"· {length} characters")


def sent_card(form: Locator) -> tuple[str, str]:
    """The sid and the text of the success card the last send showed (fails on a refusal)."""
    card = form.locator(".tutorial-result .tutorial-result-sent")
    expect(card).to_have_count(1)
    return card.get_attribute("data-sid"), card.inner_text()


def refusal_text(form: Locator) -> str:
    """The text of the refusal the last send showed (fails on a success card)."""
    refusal = form.locator(".tutorial-result .tutorial-result-refused")
    expect(refusal).to_have_count(1)
    return refusal.inner_text()

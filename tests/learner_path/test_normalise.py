"""The learner-path normaliser masks what differs between the paths, and nothing else."""

from .normalise import cell_view, mask_path_notes_html, normalise, view_diff

SID_A = "SM6c37d8a2046ab3ee0ef0e14a2e54e00f"
SID_B = "SM3adf680f4b50ae73592c05e18ab30476"
ACCOUNT = "AC22dd43a883f0d677bd33d8c73c7c1bd1"


def stream(text, name="stdout"):
    return {"output_type": "stream", "name": name, "text": text}


def test_masks_sids_dates_and_loopback_ports():
    text = (f"{SID_A} delivered 2025-01-06T15:00:00+00:00\n"
            "created Mon, 06 Jan 2025 15:00:04 +0000\n"
            "sent 2026-03-09 10:11:12.345678+00:00\n"
            "{'date_sent': datetime.datetime(2025, 1, 6, 15, 0, 2, tzinfo=datetime.timezone.utc)}\n"
            "http://127.0.0.1:38629/status\n"
            " 'RawDlrDoneDate': '2611281412'}\n")
    assert normalise(text) == ("SM<sid1> delivered <datetime>\n"
                               "created <datetime>\n"
                               "sent <datetime>\n"
                               "{'date_sent': <datetime>}\n"
                               "http://127.0.0.1:<port>/status\n"
                               " 'RawDlrDoneDate': '<datetime>'}\n")


def test_keeps_status_words_numbers_and_seeded_constants():
    text = (f"after  4 s: delivered  price=-0.00790\n1 segment(s)  GSM-7   18 characters\n"
            f"t+2s   sent      try 1: HTTP 500\n{ACCOUNT} +15017122661 /2010-04-01/Accounts\n"
            "localhost:5000/status\n1 message(s) sent in the last hour\n")
    assert normalise(text) == text


def test_same_sid_same_number_within_a_cell():
    view = cell_view([stream(f"{SID_A}\n{SID_B}\n{SID_A}\nMM61b990881e7636dbb43b7036d14234a1\n")])
    assert view == [("stream: stdout", "SM<sid1>\nSM<sid2>\nSM<sid1>\nMM<sid3>\n")]


def test_a_status_word_or_count_that_differs_is_a_difference():
    committed = cell_view([stream(f"after 1 s: queued\n{SID_A} 1 segment\n")])
    new = cell_view([stream(f"after 1 s: delivered\n{SID_B} 2 segments\n")])
    assert committed != new
    diff = view_diff(committed, new)
    assert "-after 1 s: queued" in diff and "+after 1 s: delivered" in diff
    assert "-SM<sid1> 1 segment" in diff and "+SM<sid1> 2 segments" in diff


def test_path_notes_are_masked():
    html = ('<div>Sent.<p class="hint tutorial-path-note">See <b>the inbox</b> at '
            '<a href="http://127.0.0.1:8765/inbox">the inbox</a></p><i>end</i></div>')
    assert mask_path_notes_html(html) == "<div>Sent.<tutorial-path-note/><i>end</i></div>"
    ci = {"output_type": "display_data", "metadata": {},
          "data": {"text/plain": "Sent.\nInbox: run make lab to see it", "text/html": "<div/>"}}
    lab = {"output_type": "display_data", "metadata": {},
           "data": {"text/plain": "Sent.\nInbox: http://127.0.0.1:8765/inbox",
                    "text/html": "<div/>"}}
    assert cell_view([ci]) == cell_view([lab])


def test_streams_are_merged_and_widgets_compare_text_only():
    widget = {"output_type": "execute_result", "metadata": {}, "execution_count": 1,
              "data": {"text/plain": "SMS form",
                       "application/vnd.jupyter.widget-view+json": {"model_id": "abc"}}}
    other_model = dict(widget, data=dict(
        widget["data"], **{"application/vnd.jupyter.widget-view+json": {"model_id": "def"}}))
    assert cell_view([stream("a\n"), stream("b\n"), widget]) == cell_view(
        [stream("a\nb\n"), other_model])
    assert cell_view([stream("a\n")]) != cell_view([stream("a\n", name="stderr")])


def test_a_difference_in_line_endings_still_shows():
    diff = view_diff(cell_view([stream("done\n")]), cell_view([stream("done")]))
    assert "only line endings differ" in diff

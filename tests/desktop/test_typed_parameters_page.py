"""The rules page refuses a parameter value of the wrong type or range, saving nothing."""

from engine.rules.catalogue import PARAMS_SETTING
from engine.workspace import Workspace


def test_a_text_or_out_of_range_value_is_refused(window, sample_path):
    window.ctx.open_workspace(sample_path)
    page = window.rules_page
    row = next(
        r
        for r in range(page.params.rowCount())
        if page.params.item(r, 0).text() == "分解住院间隔（天）"
    )
    for text in ('"15"', "NaN", "0", "15.5"):
        page.params.item(row, 2).setText(text)
        page.save()
        assert "split_stay_days must be a whole number from 1 to 365" in page.status.text(), text
    with Workspace.open(sample_path) as ws:
        assert ws.get_setting(PARAMS_SETTING) is None

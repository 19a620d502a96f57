"""Finding messages a hospital can read: coded values as words in the message's language."""

from engine.demo.run import run_demo
from engine.findings import list_findings
from engine.workspace import Workspace


def test_no_message_of_the_demo_shows_a_coded_value_in_english(tmp_path, english_codes):
    run_demo(tmp_path / "demo.yibao")
    with Workspace.open(tmp_path / "demo.yibao") as ws:
        messages = [f["message"] for f in list_findings(ws)]
    assert messages
    assert [m for m in messages if english_codes.search(m)] == []
    assert any("本次险种为" in m for m in messages)  # the case the words are for is there

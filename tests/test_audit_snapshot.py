"""An audit reads one snapshot: a write by another connection mid-audit is refused, not stored."""

import pytest

from engine.errors import UserError
from engine.rules import run_audit
from engine.workspace import Workspace


@pytest.mark.parametrize("lanes", [1, 2])
def test_an_audit_racing_a_writer_stores_nothing(sample_ws, plugins, lanes):
    other = Workspace.open(sample_ws.path)  # another process's import, as a second connection

    def write_mid_audit(stage: str, done: int, total: int) -> None:
        if stage == "enrich" and done == 1:  # the lanes have read; the rules have not run
            with other.transaction() as conn:
                conn.execute("DELETE FROM lines WHERE claim_id = (SELECT min(claim_id) FROM lines)")

    log_before = sample_ws.count("log")
    with pytest.raises(UserError, match="changed while the audit read it"):
        run_audit(sample_ws, plugins=plugins, progress=write_mid_audit, lanes=lanes)
    other.close()
    assert sample_ws.count("runs") == 0 and sample_ws.count("findings") == 0
    assert sample_ws.count("log") == log_before
    # with nothing writing, the same audit stores its run
    result = run_audit(sample_ws, plugins=plugins, lanes=lanes)
    assert sample_ws.count("runs") == 1 and sample_ws.count("findings") == len(result.findings)


def test_a_settlement_racing_a_writer_stores_nothing(sample_ws, plugins):
    from engine.dip.settlement import settle

    other = Workspace.open(sample_ws.path)

    def write_mid_settle(stage: str, done: int, total: int) -> None:
        if stage == "settle" and not done:  # after the snapshot, before the readers read
            with other.transaction() as conn:
                conn.execute("DELETE FROM lines WHERE claim_id = (SELECT min(claim_id) FROM lines)")

    with pytest.raises(UserError, match="changed while the settlement read it"):
        settle(sample_ws, plugins=plugins, progress=write_mid_settle)
    other.close()
    assert sample_ws.count("runs") == 0 and sample_ws.count("settlement_cases") == 0
    assert settle(sample_ws, plugins=plugins)["run_id"]

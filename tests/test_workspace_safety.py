"""A workspace command never destroys, creates or converts a file it should not, checks the
schema it needs on open, and says what is wrong in words the user can act on."""

import sqlite3
from pathlib import Path

import pytest

from engine.cli import main
from engine.errors import UserError
from engine.ingest import import_package
from engine.workspace import Workspace

SAMPLE = Path(__file__).parent / "data" / "sample"


def _foreign(path):
    """Another application's SQLite file, in the rollback-journal mode most apps use."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE moz_places (id INTEGER, url TEXT); INSERT INTO moz_places VALUES (1, 'x');"
    )
    conn.close()
    return path.read_bytes()


def _untouched(path, before):
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()
    assert not path.with_name(path.name + "-shm").exists()


@pytest.mark.parametrize("create", [True, False])
def test_another_applications_sqlite_file_is_refused_before_anything_is_written(tmp_path, create):
    path = tmp_path / "places.sqlite"
    before = _foreign(path)
    with pytest.raises(UserError, match="another application"):
        Workspace.open(path, create=create)
    _untouched(path, before)
    assert before[18:20] == b"\x01\x01"  # still a rollback-journal file, never switched to WAL


def test_read_only_commands_refuse_an_empty_file_and_create_nothing(tmp_path, capsys):
    empty = tmp_path / "empty.yibao"
    empty.touch()
    for argv in (["findings"], ["log"], ["report", "--out", str(tmp_path / "r.xlsx")]):
        assert main([*argv, "-w", str(empty)]) == 2
        assert "empty file" in capsys.readouterr().err
    _untouched(empty, b"")
    missing = tmp_path / "missing.yibao"
    assert main(["findings", "-w", str(missing)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.yibao", "plugins"]


def test_a_failed_import_leaves_no_new_workspace(tmp_path, package, capsys):
    (package / "claims.csv").write_text("claim_id\nC1\n", encoding="utf-8")
    path = tmp_path / "new.yibao"
    assert main(["import", str(package), "-w", str(path)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package", "plugins"]


def test_demo_refuses_to_replace_a_real_workspace(sample_ws, tmp_path, capsys):
    path = sample_ws.path
    sample_ws.close()
    before = path.read_bytes()
    assert main(["demo", "-w", str(path), "--lines", "500"]) == 2
    assert "not a demo workspace" in capsys.readouterr().err
    assert path.read_bytes() == before
    other = tmp_path / "notes.txt"
    other.write_text("mine", encoding="utf-8")
    assert main(["demo", "-w", str(other), "--lines", "500"]) == 2
    assert other.read_text(encoding="utf-8") == "mine"


def test_demo_replaces_an_earlier_demo_and_anything_with_force(tmp_path, capsys):
    path = tmp_path / "demo.yibao"
    assert main(["demo", "-w", str(path), "--lines", "500", "--json"]) == 0
    assert main(["demo", "-w", str(path), "--lines", "500", "--json"]) == 0
    other = tmp_path / "notes.txt"
    other.write_text("mine", encoding="utf-8")
    assert main(["demo", "-w", str(other), "--lines", "500", "--force", "--json"]) == 0
    with Workspace.open(other, create=False) as ws:
        assert ws.count("demo_truth") > 0


@pytest.mark.parametrize(
    "damage,fault",
    [
        ("DROP TABLE reviews", "table reviews is missing"),
        ("ALTER TABLE findings DROP COLUMN message_en", "findings lacks column message_en"),
    ],
)
def test_a_damaged_workspace_is_named_on_open(sample_ws, capsys, damage, fault):
    sample_ws.conn.execute(damage)
    path = str(sample_ws.path)
    sample_ws.close()
    with pytest.raises(UserError, match=fault):
        Workspace.open(path)
    assert main(["findings", "-w", path]) == 2
    assert "damaged" in capsys.readouterr().err


def test_a_corrupted_file_says_damaged_not_a_traceback(sample_ws, capsys):
    path = sample_ws.path
    sample_ws.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sample_ws.close()
    data = bytearray(path.read_bytes())
    data[4096 * 2 :] = b"\xa5" * (len(data) - 4096 * 2)  # every page after the second
    path.write_bytes(bytes(data))
    code = main(["findings", "-w", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "damaged" in err and "Traceback" not in err


def test_bad_json_in_settings_or_parameters_is_a_clear_error(sample_ws):
    sample_ws.conn.execute("INSERT INTO settings (key, value) VALUES ('rule_parameters', '{oops')")
    with pytest.raises(UserError, match="setting rule_parameters is not valid JSON"):
        sample_ws.get_setting("rule_parameters")
    sample_ws.conn.execute("UPDATE dip_params SET params = 'not json'")
    from engine.dip.params import resolve_params

    with pytest.raises(UserError, match="DIP parameters of 2025 is not valid JSON"):
        resolve_params(sample_ws, None)


def test_a_full_disk_is_called_disk_full_and_changes_nothing(tmp_path, package):
    ws = Workspace.open(tmp_path / "full.yibao")
    pages = ws.conn.execute("PRAGMA page_count").fetchone()[0]
    ws.conn.execute(f"PRAGMA max_page_count={pages + 2}")  # the disk fills two pages on
    with pytest.raises(UserError, match="disk full"):
        import_package(ws, package)
    assert ws.count("claims") == 0 and ws.count("lines") == 0
    ws.close()


def test_review_from_a_file_applies_every_row_or_none(sample_ws, plugins, tmp_path):
    from engine.findings import list_findings
    from engine.review import decide_from_csv
    from engine.rules import run_audit

    run_audit(sample_ws, plugins=plugins)
    first, second = (f["finding_id"] for f in list_findings(sample_ws)[:2])
    batch = tmp_path / "batch.csv"
    batch.write_text(
        f"finding_id,decision,reviewer,comment\n{first},confirm,张审核,\n{second},dismiss,张审核,\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError, match=r"batch.csv:3: .*needs a reason"):
        decide_from_csv(sample_ws, batch)
    assert sample_ws.count("reviews") == 0
    entries = sample_ws.conn.execute("SELECT count(*) FROM log WHERE action='review'")
    assert entries.fetchone()[0] == 0


def test_review_from_an_excel_saved_gbk_file_with_chinese_decisions(sample_ws, plugins, tmp_path):
    """Excel on a Chinese Windows saves CSV as GBK, and auditors write the decision's word."""
    from engine.findings import list_findings
    from engine.review import decide_from_csv
    from engine.rules import run_audit

    run_audit(sample_ws, plugins=plugins)
    first, second = (f["finding_id"] for f in list_findings(sample_ws)[:2])
    batch = tmp_path / "batch.csv"
    batch.write_bytes(
        f"finding_id,decision,reviewer,comment\n{first},确认违规,张审核,\n"
        f"{second},不予认定,张审核,合理用药\n".encode("gbk")
    )
    out = decide_from_csv(sample_ws, batch)
    assert [d["decision"] for d in out] == ["confirm", "dismiss"]
    comment = sample_ws.conn.execute("SELECT comment FROM reviews WHERE finding_id = ?", (second,))
    assert comment.fetchone()[0] == "合理用药"
    headless = tmp_path / "headless.csv"
    headless.write_text(f"{first},confirm,张审核\n{second},confirm,张审核\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"headless.csv:1: no finding_id column"):
        decide_from_csv(sample_ws, headless)


def test_a_full_disk_while_writing_a_report_says_so(sample_ws, tmp_path, monkeypatch, capsys):
    import errno

    path = str(sample_ws.path)
    sample_ws.close()

    def full(data, out):
        raise OSError(errno.ENOSPC, "No space left on device", str(out))

    monkeypatch.setattr("engine.reports.xlsx.write_xlsx", full)
    assert main(["report", "-w", path, "--out", str(tmp_path / "r.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "disk full" in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.xlsx")) and not list(tmp_path.glob(".yibao-partial-*"))


@pytest.mark.parametrize("fold_bytes", [0, 1 << 40])
def test_a_commit_that_grew_the_log_past_its_limit_folds_it_back(tmp_path, monkeypatch, fold_bytes):
    """A big import is one transaction; the log it leaves would slow every later read, so a
    commit past ``WAL_FOLD_BYTES`` copies it back and empties it (here: any size, or none)."""
    from engine import workspace

    monkeypatch.setattr(workspace, "WAL_FOLD_BYTES", fold_bytes)
    path = tmp_path / "w.yibao"
    with Workspace.open(path) as ws:
        import_package(ws, SAMPLE)
        wal = path.with_name(path.name + "-wal").stat().st_size
        assert (wal == 0) == (fold_bytes == 0)
        assert ws.count("claims") > 0
    with Workspace.open(path) as ws:
        assert ws.count("claims") > 0

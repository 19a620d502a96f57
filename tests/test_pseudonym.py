"""Pseudonymised import (spec/interchange.md, r2): keyed pseudonyms, the key kept outside the
workspace and moved by export/import, names and id-card columns dropped."""

import csv
import hashlib
import hmac
import io
import json

import pytest

from engine import pseudonym
from engine.errors import UserError
from engine.ingest import bulk, export_package, import_package
from engine.workspace import Workspace


def _add_identity_columns(package):
    """Give every claim a name, an id-card number and a harmless remark; return the real ids."""
    path = package / "claims.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[0] += ["姓名", "身份证号", "ID_Card", "备注"]
    for n, row in enumerate(rows[1:]):
        row += [f"张{n}", f"44050019800101{n:04d}", f"X{n}", f"note {n}"]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return {row[0]: row[1] for row in rows[1:]}


def _patients(ws) -> dict[str, str]:
    return dict(ws.conn.execute("SELECT claim_id, patient_id FROM claims"))


def _hmac_pseudonym(key: bytes, patient_id: str) -> str:
    return "P" + hmac.new(key, patient_id.encode(), hashlib.sha256).hexdigest()[:16]


@pytest.mark.parametrize("path", ["columns", "workers", "rows"])
def test_patient_ids_become_keyed_pseudonyms_and_identities_are_dropped(
    tmp_path, package, keys_dir, monkeypatch, row_path, path
):
    real = _add_identity_columns(package)
    monkeypatch.setenv(bulk.WORKER_VAR, "1" if path == "workers" else "0")
    if path == "rows":
        row_path()
    with Workspace.open(tmp_path / "w.yibao") as ws:
        result = import_package(ws, package, pseudonymise=True)
        assert result.pseudonymised and pseudonym.is_pseudonymised(ws)
        key_file = keys_dir / f"{pseudonym.workspace_id(ws)}.key"
        key = bytes.fromhex(key_file.read_text())
        assert len(key) == 32 and key_file.stat().st_mode & 0o077 == 0
        assert _patients(ws) == {c: _hmac_pseudonym(key, p) for c, p in real.items()}
        extras = [json.loads(e) for (e,) in ws.conn.execute("SELECT extra FROM claims")]
        assert sorted(e["备注"] for e in extras) == sorted(f"note {n}" for n in range(len(real)))
        assert all(list(e) == ["备注"] for e in extras)  # 姓名, 身份证号, ID_Card dropped
        info = pseudonym.describe(ws)
        assert info["pseudonymised"] and info["key_present"] and info["since"]
        entry = ws.conn.execute("SELECT detail FROM log ORDER BY seq DESC").fetchone()[0]
        assert json.loads(entry)["pseudonymised"] is True


def test_a_plain_import_keeps_identity_columns_and_real_ids(tmp_path, package, keys_dir):
    real = _add_identity_columns(package)
    with Workspace.open(tmp_path / "w.yibao") as ws:
        assert not import_package(ws, package).pseudonymised
        assert _patients(ws) == real
        assert "姓名" in ws.conn.execute("SELECT extra FROM claims").fetchone()[0]
        assert not pseudonym.is_pseudonymised(ws) and not pseudonym.describe(ws)["pseudonymised"]
    assert not keys_dir.exists()  # no key made for a plain import


def test_same_person_same_pseudonym_within_a_workspace_not_across(tmp_path, package):
    with Workspace.open(tmp_path / "a.yibao") as a, Workspace.open(tmp_path / "b.yibao") as b:
        import_package(a, package, pseudonymise=True)
        first = _patients(a)
        # a later import (no flag needed: the workspace is pseudonymised) maps alike
        assert import_package(a, package, replace=True).pseudonymised
        assert _patients(a) == first
        import_package(b, package, pseudonymise=True)
        other = _patients(b)
    assert first.keys() == other.keys()
    assert not set(first.values()) & set(other.values())


def test_without_its_key_a_pseudonymised_workspace_refuses_imports(
    tmp_path, package, keys_dir, monkeypatch
):
    with Workspace.open(tmp_path / "w.yibao") as ws:
        import_package(ws, package, pseudonymise=True)
        exported = pseudonym.export_key(ws, tmp_path / "w.key")
        before = _patients(ws)
    monkeypatch.setenv(pseudonym.KEYS_DIR_VAR, str(tmp_path / "other-machine"))
    with Workspace.open(tmp_path / "w.yibao") as ws:
        with pytest.raises(UserError, match="is pseudonymised and its key is not on this machine"):
            import_package(ws, package, replace=True)
        with pytest.raises(UserError, match="已假名化，但本机没有它的密钥"):
            import_package(ws, package, replace=True, pseudonymise=True)
        assert pseudonym.describe(ws)["key_present"] is False
        assert ws.count("log") == 1  # only the first import
        where = pseudonym.import_key(ws, exported)
        assert where.startswith(str(tmp_path / "other-machine"))
        import_package(ws, package, replace=True)
        assert _patients(ws) == before


def test_a_wrong_key_is_refused(tmp_path, package, monkeypatch):
    with Workspace.open(tmp_path / "a.yibao") as a, Workspace.open(tmp_path / "b.yibao") as b:
        import_package(a, package, pseudonymise=True)
        import_package(b, package, pseudonymise=True)
        key_of_b = pseudonym.export_key(b, tmp_path / "b.key")
        with pytest.raises(UserError, match="is not the key of"):
            pseudonym.import_key(a, key_of_b)
        (tmp_path / "junk.key").write_text("{not json")
        with pytest.raises(UserError, match="not a yibao key file"):
            pseudonym.import_key(a, tmp_path / "junk.key")
        with pytest.raises(UserError, match="key file not found"):
            pseudonym.import_key(a, tmp_path / "none.key")
        with pytest.raises(UserError, match="is a folder"):
            pseudonym.export_key(a, tmp_path)
        with pytest.raises(UserError, match="cannot write the key file"):
            pseudonym.export_key(a, tmp_path / "no" / "such" / "folder.key")
        # a key file replaced by another workspace's key is caught before any import
        store = pseudonym.key_store(a)
        store.save(bytes.fromhex(json.loads(key_of_b.read_text())["key"]))
        with pytest.raises(UserError, match="is not the key of"):
            import_package(a, package, replace=True)


def test_a_rejected_pseudonymised_import_leaves_no_key(tmp_path, package, keys_dir):
    (package / "lines.csv").write_text("")
    with Workspace.open(tmp_path / "w.yibao") as ws:
        with pytest.raises(UserError, match="lines.csv is empty"):
            import_package(ws, package, pseudonymise=True)
        assert not pseudonym.is_pseudonymised(ws)
    assert not keys_dir.exists()


def test_real_ids_and_pseudonyms_never_mix(tmp_path, package):
    with Workspace.open(tmp_path / "w.yibao") as ws:
        import_package(ws, package)
        with pytest.raises(UserError, match="already holds claims with real patient ids"):
            import_package(ws, package, replace=True, pseudonymise=True)
        with pytest.raises(UserError, match="is not pseudonymised"):
            pseudonym.export_key(ws, tmp_path / "w.key")


def test_an_export_keeps_the_pseudonyms(tmp_path, package):
    _add_identity_columns(package)
    with Workspace.open(tmp_path / "w.yibao") as ws:
        import_package(ws, package, pseudonymise=True)
        stored = _patients(ws)
        export_package(ws, tmp_path / "out")
    text = (tmp_path / "out" / "claims.csv").read_text(encoding="utf-8-sig")  # BOM for Excel
    exported = {r["claim_id"]: r["patient_id"] for r in csv.DictReader(io.StringIO(text))}
    assert exported == stored and "姓名" not in text and "张" not in text


def test_an_encrypted_workspace_keeps_its_key_inside(tmp_path, package, keys_dir):
    path = tmp_path / "w.yibao"
    with Workspace.open(path, encrypt=True, passphrase="correct horse") as ws:
        assert ws.encrypted
        import_package(ws, package, pseudonymise=True)
        assert isinstance(pseudonym.key_store(ws), pseudonym.InsideKeyStore)
        stored = _patients(ws)
    assert not keys_dir.exists()
    with Workspace.open(path, passphrase="correct horse") as ws:
        import_package(ws, package, replace=True)
        assert _patients(ws) == stored


def _cli(capsys, *argv) -> tuple[int, dict | str, str]:
    from engine.cli import main

    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, (json.loads(out) if "--json" in argv else out), err


def test_cli_pseudonymise_and_move_the_key(tmp_path, package, monkeypatch, capsys):
    ws = str(tmp_path / "w.yibao")
    status, out, _ = _cli(capsys, "import", str(package), "-w", ws, "--pseudonymise", "--json")
    assert status == 0 and out["pseudonymised"] is True
    status, info, _ = _cli(capsys, "key", "show", "-w", ws, "--json")
    assert status == 0 and info["pseudonymised"] and info["key_present"]
    key_file = str(tmp_path / "moved.key")
    assert _cli(capsys, "key", "export", "-w", ws, key_file, "--json")[0] == 0
    monkeypatch.setenv(pseudonym.KEYS_DIR_VAR, str(tmp_path / "laptop"))
    status, out, err = _cli(capsys, "import", str(package), "-w", ws, "--replace", "--json")
    assert status == 2 and "yibao key import" in out["error"] and "Traceback" not in err
    assert _cli(capsys, "key", "import", "-w", ws, key_file)[0] == 0
    assert _cli(capsys, "import", str(package), "-w", ws, "--replace", "--json")[0] == 0


def test_cli_json_names_each_problem_in_both_languages(tmp_path, package, capsys):
    (package / "claims.csv").write_text("claim_id\tpatient_id\n", encoding="utf-8")
    status, out, err = _cli(capsys, "import", str(package), "-w", str(tmp_path / "w"), "--json")
    assert status == 2 and "Traceback" not in err
    assert out["problems"] == [
        {
            "file": "claims.csv",
            "row": 0,
            "column": "-",
            "code": "one_column",
            "params": {"separator": "tabs", "separator_zh": "制表符"},
            "message_zh": "claims.csv：只读出 1 列；文件是否用制表符分隔？",
            "message_en": "claims.csv: 1 column read; is it separated by tabs?",
        }
    ]


def test_a_workspace_another_yibao_is_writing_to_is_a_clear_error(tmp_path, package):
    import sqlite3

    path = tmp_path / "w.yibao"
    Workspace.open(path).close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another yibao in the middle of a write
    try:
        with Workspace.open(path) as ws:
            ws.conn.execute("PRAGMA busy_timeout=0")
            with pytest.raises(UserError, match="is in use"):
                import_package(ws, package, pseudonymise=True)
    finally:
        writer.execute("ROLLBACK")
        writer.close()

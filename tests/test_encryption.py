"""Encrypted workspaces: a round trip through every command, unreadable without the passphrase."""

import json
import sqlite3
from pathlib import Path

import pytest

from engine import encryption
from engine.cli import main
from engine.errors import UserError
from engine.workspace import Workspace

SAMPLE = Path(__file__).parent / "data" / "sample"


@pytest.fixture
def forget_keys(monkeypatch):
    """Each test starts with no passphrase remembered, none in the environment, no prompt."""
    monkeypatch.setattr(encryption, "_keys", {})
    monkeypatch.setattr(encryption, "_prompt", None)
    monkeypatch.delenv(encryption.PASSPHRASE_VAR, raising=False)


def _json(capsys, argv) -> dict:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_an_encrypted_workspace_round_trips_and_is_unreadable_without_it(
    tmp_path, capsys, monkeypatch, forget_keys
):
    path = tmp_path / "enc.yibao"
    w = ["-w", str(path)]
    monkeypatch.setenv(encryption.PASSPHRASE_VAR, "正确的 passphrase'")
    monkeypatch.setenv("YIBAO_AUDIT_LANES", "2")  # a worker process opens it too
    assert _json(capsys, ["import", str(SAMPLE), *w, "--encrypt"])["claims"] > 0
    audit = _json(capsys, ["audit", *w])
    finding = audit["findings"][0]["finding_id"]
    assert _json(capsys, ["review", finding, "--decision", "confirm", "--reviewer", "r", *w])
    assert _json(capsys, ["settle", *w])["institutions"]
    assert main(["report", *w, "--out", str(tmp_path / "r.xlsx")]) == 0
    assert main(["log", *w, "--verify"]) == 0
    with Workspace.open(path, create=False) as ws:
        assert ws.encrypted and ws.count("findings") == len(audit["findings"])

    # without the passphrase: plain sqlite3 sees no schema, and no patient id is in the bytes
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    patient = next(f["claim_id"] for f in audit["findings"] if f["claim_id"]).encode()
    assert patient not in path.read_bytes()
    monkeypatch.setattr(encryption, "_keys", {})
    monkeypatch.delenv(encryption.PASSPHRASE_VAR)
    capsys.readouterr()
    assert main(["findings", *w]) == 2
    assert "is encrypted: it needs a passphrase" in capsys.readouterr().err
    monkeypatch.setenv(encryption.PASSPHRASE_VAR, "wrong")
    assert main(["findings", *w]) == 2
    assert "wrong passphrase" in capsys.readouterr().err


def test_encrypt_does_not_silently_take_a_plain_workspace(sample_ws, forget_keys, monkeypatch):
    monkeypatch.setenv(encryption.PASSPHRASE_VAR, "x")
    with pytest.raises(UserError, match="is a plain workspace"):
        Workspace.open(sample_ws.path, encrypt=True)
    assert not sample_ws.encrypted


def test_the_prompt_asks_once_and_readers_reuse_the_key(tmp_path, forget_keys):
    asked = []
    encryption.set_prompt(lambda path, new: asked.append(new) or "k")
    Workspace.open(tmp_path / "p.yibao", encrypt=True).close()
    from engine.workspace import open_reader

    reader = open_reader(str(tmp_path / "p.yibao"))
    assert reader.execute("SELECT count(*) FROM claims").fetchone() == (0,)
    assert asked == [True]


def test_a_pseudonymised_encrypted_workspace_keeps_its_key_inside_and_says_so(
    tmp_path, capsys, monkeypatch, forget_keys
):
    keys = tmp_path / "keys"
    monkeypatch.setenv("YIBAO_KEYS_DIR", str(keys))
    monkeypatch.setenv(encryption.PASSPHRASE_VAR, "p")
    enc, plain = ["-w", str(tmp_path / "enc.yibao")], ["-w", str(tmp_path / "plain.yibao")]
    _json(capsys, ["import", str(SAMPLE), *enc, "--encrypt", "--pseudonymise"])
    assert not keys.exists() or not any(keys.iterdir())  # nothing left outside
    capsys.readouterr()
    assert (
        main(
            [
                "import",
                str(SAMPLE),
                "-w",
                str(tmp_path / "enc2.yibao"),
                "--encrypt",
                "--pseudonymise",
            ]
        )
        == 0
    )
    assert "key kept in the encrypted workspace" in capsys.readouterr().out
    shown = _json(capsys, ["key", "show", *enc])
    assert shown["key_location"] == "the encrypted workspace" and shown["key_present"]
    # a plain one keeps it outside, in the keys folder
    _json(capsys, ["import", str(SAMPLE), *plain, "--pseudonymise"])
    shown = _json(capsys, ["key", "show", *plain])
    assert shown["key_location"].startswith(str(keys)) and len(list(keys.iterdir())) == 1


def test_a_wrong_passphrase_is_one_clear_line_not_sqlcipher_noise(tmp_path, capfd):
    """SQLCipher's own log of failed page checks must not reach the user's terminal."""
    path = tmp_path / "e.db"
    conn = encryption.connect(path, "right")
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    capfd.readouterr()
    with pytest.raises(UserError, match="wrong passphrase"):
        encryption.connect(path, "wrong")
    assert "hmac check failed" not in capfd.readouterr().err

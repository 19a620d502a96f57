"""The desktop opens an encrypted workspace with its passphrase dialog and works on it."""

from conftest import SAMPLE
from qt_helpers import run_job

from engine import encryption
from engine.ingest import import_package
from engine.workspace import Workspace


def test_the_desktop_asks_the_passphrase_and_audits(window, qtbot, tmp_path, monkeypatch):
    path = tmp_path / "enc.yibao"
    with Workspace.open(path, encrypt=True, passphrase="口令") as ws:
        import_package(ws, SAMPLE)
    monkeypatch.setattr(encryption, "_keys", {})  # as after a restart
    monkeypatch.delenv(encryption.PASSPHRASE_VAR, raising=False)
    asked = []

    def dialog(parent, title, label, echo):
        asked.append(label)
        return "口令", True

    monkeypatch.setattr("desktop.context.QInputDialog.getText", dialog)
    window.ctx.open_workspace(path)
    assert len(asked) == 1 and str(path) in asked[0]
    run_job(qtbot, window.audit_page.run())  # on a job's thread and its worker processes
    assert window.findings_page.model.rowCount() > 0
    assert len(asked) == 1


def test_a_new_encrypted_workspace_from_the_desktop(window, tmp_path, monkeypatch):
    monkeypatch.setattr(encryption, "_keys", {})
    monkeypatch.delenv(encryption.PASSPHRASE_VAR, raising=False)
    path = tmp_path / "new.yibao"
    monkeypatch.setattr(
        "desktop.pages.workspace.QFileDialog.getSaveFileName", lambda *a: (str(path), "")
    )
    answers = iter([("口令", True), ("口令", True)])  # asked twice for a new one
    monkeypatch.setattr("desktop.context.QInputDialog.getText", lambda *a: next(answers))
    window.workspace_page.choose_new_encrypted()
    assert window.ctx.path == path and encryption.is_encrypted(path)
    with Workspace.open(path, create=False, passphrase="口令") as ws:
        assert ws.encrypted

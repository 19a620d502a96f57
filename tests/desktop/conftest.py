"""Desktop tests run headless: offscreen Qt, settings in a temporary file, no user plug-ins."""

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402 — after the platform is chosen

from desktop.app import build  # noqa: E402
from engine.ingest import import_package  # noqa: E402
from engine.workspace import Workspace  # noqa: E402

SAMPLE = Path(__file__).parents[1] / "data" / "sample"


@pytest.fixture(autouse=True, scope="session")
def _private_user_settings(tmp_path_factory):
    """The app's own QSettings (``yibao desktop`` without a settings object) go to a temp dir."""
    folder = tmp_path_factory.mktemp("qsettings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "yibao.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    win = build(settings, language="zh_CN")
    qtbot.addWidget(win)
    yield win
    win.ctx.close()
    assert not win.ctx.jobs  # no worker left running


@pytest.fixture
def sample_path(tmp_path):
    path = tmp_path / "sample.yibao"
    with Workspace.open(path) as ws:
        import_package(ws, SAMPLE)
    return path


@pytest.fixture
def package(tmp_path):
    target = tmp_path / "package"
    shutil.copytree(SAMPLE, target)
    return target

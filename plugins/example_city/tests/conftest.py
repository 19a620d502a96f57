import shutil
from pathlib import Path

import pytest
from city_helpers import PLUGIN, SAMPLE

from engine.ingest import import_any
from engine.plugins import load_plugins
from engine.workspace import Workspace


@pytest.fixture(autouse=True)
def city_dropin(tmp_path, monkeypatch):
    """The plug-in installed as a drop-in folder, in a plug-in folder of its own."""
    folder = tmp_path / "plugins"
    shutil.copytree(PLUGIN / "example_city", folder / "example_city")
    monkeypatch.setenv("YIBAO_PLUGINS_DIR", str(folder))
    return folder


@pytest.fixture
def city():
    plugins = load_plugins()
    assert "example_city" in plugins.versions()[-1]
    return plugins


@pytest.fixture
def national():
    return load_plugins(exclude=["example_city"])


@pytest.fixture
def package(tmp_path):
    target = tmp_path / "package"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def workspace(tmp_path, city):
    """Open a workspace of a package (imported through the city's plug-ins)."""
    opened = []

    def open_(package: Path, name: str = "w.yibao") -> Workspace:
        ws = Workspace.open(tmp_path / name)
        import_any(ws, package, plugins=city)
        opened.append(ws)
        return ws

    yield open_
    for ws in opened:
        ws.close()

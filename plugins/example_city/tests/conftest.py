import shutil
from pathlib import Path

import pytest

from engine.ingest import import_any
from engine.plugins import load_plugins
from engine.workspace import Workspace

PLUGIN = Path(__file__).resolve().parents[1]
SAMPLE = Path(__file__).parent / "data" / "sample"

CLAIM = (
    "{id},{patient},1,1970-01-01,employee,{visit},{inst},IM,D1,{admission},{discharge},{dx},,,,"
    "{status},{total},{fund},{personal},{admission},\n"
)


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


def add_claim(package: Path, claim_id: str, lines: list[tuple], **fields) -> None:
    """Append one claim and its lines (item, quantity, price) to a package's CSV files."""
    values = dict(
        id=claim_id,
        patient="PX" + claim_id,
        visit="outpatient",
        inst="H001",
        admission="2025-06-02",
        discharge="",
        dx="J06.900",
        status="",
    )
    values.update(fields)
    total = sum(q * p for _, q, p in lines)
    values.update(total=total, fund=round(total * 0.75, 2), personal=round(total * 0.25, 2))
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(CLAIM.format(**values))
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:
        for no, (code, qty, price) in enumerate(lines, start=1):
            handle.write(
                f"{claim_id},{no},{code},,{values['admission']} 10:00,,{qty},{price},"
                f"{qty * price},,,,\n"
            )


@pytest.fixture
def workspace(tmp_path, city):
    """Open a workspace of a package (imported through the city's plug-ins)."""
    opened = []

    def open_(package: Path, name: str = "w.yibao") -> Workspace:
        ws = Workspace.open(tmp_path / name)
        import_any(ws, package, city)
        opened.append(ws)
        return ws

    yield open_
    for ws in opened:
        ws.close()

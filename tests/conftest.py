import json
import shutil
from pathlib import Path

import pytest

from engine.ingest import bulk, import_package
from engine.ingest.parsing import NeedsRowCheck
from engine.plugins import load_plugins
from engine.workspace import Workspace

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample"


@pytest.fixture(autouse=True)
def _isolated_plugins(tmp_path, monkeypatch):
    """No test sees the developer's own drop-in plug-ins."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    monkeypatch.setenv("YIBAO_PLUGINS_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def keys_dir(tmp_path, monkeypatch):
    """Pseudonym keys go to a folder of the test's own, never the user's data folder."""
    folder = tmp_path / "keys"
    monkeypatch.setenv("YIBAO_KEYS_DIR", str(folder))
    return folder


@pytest.fixture
def expected():
    return json.loads((DATA / "sample_expected.json").read_text(encoding="utf-8"))


@pytest.fixture
def sample_ws(tmp_path):
    ws = Workspace.open(tmp_path / "sample.yibao")
    import_package(ws, SAMPLE)
    yield ws
    ws.close()


@pytest.fixture
def r2_ws(tmp_path):
    """A workspace of the revision-2 public sample (spec/sample: tests/data/dip_sample), whose
    split stay S-STAY3 is one under revision-2 rules (the revision-1 sample's is not)."""
    ws = Workspace.open(tmp_path / "r2.yibao")
    import_package(ws, DATA / "dip_sample" / "package")
    yield ws
    ws.close()


@pytest.fixture
def plugins():
    return load_plugins()


@pytest.fixture
def package(tmp_path):
    """A writable copy of the sample package."""
    target = tmp_path / "package"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture
def row_path(monkeypatch):
    """Call it to send every later import down the row path, as if the column path gave up."""

    def give_up(*args, **kwargs):
        raise NeedsRowCheck

    return lambda: monkeypatch.setattr(bulk.FastLoad, "load", give_up)


@pytest.fixture(scope="session")
def english_codes():
    """A pattern of every coded value that is an English word (``inpatient``, ``normal``,
    ``dip``, ``builtin``…, from engine.labels), as a word of its own: what no Chinese page,
    notice or message may show. File and folder names (``claims.csv``, ``reference/``) pass."""
    import re

    from engine.labels import TABLES

    words = sorted(
        {
            key
            for kind, table in TABLES.items()
            if kind != "dip_parameter"
            for key in table
            if re.fullmatch(r"[a-z][a-z_ -]{2,}", key)
        }
        | {"confirm", "dismiss", "info"}
    )
    return re.compile(
        r"(?<![A-Za-z_./])(" + "|".join(map(re.escape, words)) + r")(?![A-Za-z_/]|\.[a-z])"
    )

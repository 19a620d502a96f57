"""The import's two paths: columns in batches (fast) and row by row (names every error).

Each defect below must make the column path give up, so that the row path rejects the
package with the defect named and nothing written. Batches of two rows put the defect in a
later batch than the first writes."""

import csv
import gc
import io
import multiprocessing
import sqlite3
import sys
import threading

import pytest

from engine import processes
from engine.errors import ImportRejected, UserError
from engine.ingest import bulk, import_package, parsing, readers, staged
from engine.ingest.readers import open_table
from engine.workspace import Workspace

TABLES = ("claims", "lines", "claim_codes", "catalogue", "institutions", "dip_groups")
LINE = "S-OK,{no},003101000300030,x,2025-01-06 09:01,,{qty},{price},10,,,,{refund}\n"


def _rows(conn, table):
    return sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


LISTED = (
    "S-LIST,P9,2,1960-01-01,resident,inpatient,H001,IM,D,2025-04-01,2025-04-05,J18.900,"
    "I10.x00; E11.900 ;;,51.2300,99.0400,1,100,80,20,2025-04-05,\n"
)


def test_both_paths_store_the_same_rows(tmp_path, package, monkeypatch, row_path):
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(LISTED)
    calls = []
    load = bulk.FastLoad.load
    monkeypatch.setattr(bulk.FastLoad, "load", lambda *a, **k: calls.append(1) or load(*a, **k))
    monkeypatch.setattr(parsing, "BATCH", 7)
    fast = Workspace.open(tmp_path / "fast.yibao")
    import_package(fast, package)
    import_package(fast, package, replace=True)
    assert len(calls) == 2
    row_path()
    slow = Workspace.open(tmp_path / "slow.yibao")
    import_package(slow, package)
    import_package(slow, package, replace=True)
    for table in TABLES:
        assert _rows(fast.conn, table) == _rows(slow.conn, table), table
    codes = fast.conn.execute(
        "SELECT kind, seq, code FROM claim_codes WHERE claim_id = 'S-LIST' ORDER BY kind, seq"
    ).fetchall()
    assert codes == [
        ("dx", 0, "J18.900"),
        ("dx", 1, "I10.x00"),
        ("dx", 2, "E11.900"),
        ("px", 0, "51.2300"),
        ("px", 1, "99.0400"),
    ]
    empty = fast.conn.execute("SELECT count(*) FROM lines WHERE dept_code IS NULL").fetchone()
    assert empty[0] > 0  # a column no row fills is stored as NULL, not as ""


@pytest.mark.parametrize(
    "line, message",
    [
        (LINE.format(no=90, qty="1x", price=10, refund=""), "lines.csv:135:quantity"),
        (LINE.format(no=1, qty=1, price=10, refund=""), "duplicate line 1 of claim 'S-OK'"),
        (LINE.format(no=90, qty=1, price=-10, refund=""), "unit price is negative"),
        (LINE.format(no=90, qty=-1, price=10, refund=""), "negative quantity without refund_of"),
        (LINE.format(no=90, qty=-1, price=10, refund=77), "refunds line 77, not a line"),
        (LINE.replace("S-OK", "S-NONE").format(no=1, qty=1, price=1, refund=""), "unknown claim"),
        # sorts before the segment's other claims, so they are still unread when it is found
        (LINE.replace("S-OK", "S-0").format(no=1, qty=1, price=1, refund=""), "unknown claim"),
        (
            LINE.replace(",x,2025-01-06 09:01", ",x,").format(no=90, qty=1, price=1, refund=""),
            "lines.csv:135:charge_time: required value is empty",
        ),
        (
            LINE.replace("003101000300030", "3.101E+12").format(no=90, qty=1, price=1, refund=""),
            "lines.csv:135:item_code: a code in scientific notation ('3.101E+12')",
        ),
    ],
)
@pytest.mark.parametrize("worker", ["0", "1"])
def test_a_bad_line_is_named_and_nothing_is_written(
    tmp_path, package, monkeypatch, line, message, worker
):
    monkeypatch.setattr(parsing, "BATCH", 2)
    monkeypatch.setattr(staged, "SEGMENT_BYTES", 1600)  # the defect in a later segment than line 1
    monkeypatch.setattr(staged, "CLAIM_SPAN_BYTES", 250)
    monkeypatch.setattr(staged, "SEGMENTS_AHEAD", 1)
    monkeypatch.setattr(staged, "SPANS_AHEAD", 1)
    monkeypatch.setenv(bulk.WORKER_VAR, worker)
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:
        handle.write(line)
    ws = Workspace.open(tmp_path / "w.yibao")
    with pytest.raises(ImportRejected) as info:
        import_package(ws, package)
    assert message in "\n".join(info.value.errors)
    assert ws.count("claims") == ws.count("lines") == ws.count("catalogue") == 0


@pytest.mark.parametrize(
    "claim, message",
    [
        (
            "S-OK,P1,1,1980-01-01,employee,outpatient,H001,IM,D,2025-01-01,,J06.9,,,,,1,1,0,,",
            "duplicate claim id 'S-OK'",
        ),
        (
            "S-Y,P1,1,1980-01-01,employee,outpatient,H999,IM,D,2025-01-01,,J06.9,,,,,1,1,0,,",
            "unknown institution 'H999'",
        ),
        (
            "S-Y,P1,3,1980-01-01,employee,outpatient,H001,IM,D,2025-01-01,,J06.9,,,,,1,1,0,,",
            "claims.csv:10:gender",
        ),
        (
            "S-Y,P1,女,1980-01-01,商业保险,门诊,H001,IM,D,2025-01-01,,J06.9,,,,,1,1,0,,",
            "claims.csv:10:insurance_type: '商业保险' is not one of",
        ),
    ],
)
def test_a_bad_claim_is_named_and_nothing_is_written(
    tmp_path, package, monkeypatch, claim, message
):
    monkeypatch.setattr(parsing, "BATCH", 2)
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(claim + "\n")
    ws = Workspace.open(tmp_path / "w.yibao")
    with pytest.raises(ImportRejected) as info:
        import_package(ws, package)
    assert message in "\n".join(info.value.errors)
    assert ws.count("claims") == ws.count("lines") == 0


def _source(path, text):
    path.write_text(text, encoding="utf-8", newline="")
    return open_table(path)


@pytest.mark.parametrize(
    "text",
    [
        "a,b,c\n1,2,3\n4,5,6\n",
        "a,b,c\r\n1,2,3\r\n\r\n4,5,6\r\n",  # CRLF and a blank line
        "a,b,c\n1,2\n4,5,6,7\n8,9,10",  # short and long rows, no final line break
        'a,b,c\n1,"2,x",3\n"4\n5",6,7\n',  # quotes: read by the csv module
        "a,b,c\n1,2\r3,4\n",  # a lone CR ends a row
    ],
)
def test_rows_and_column_batches_read_as_the_csv_module_does(tmp_path, text):
    expected = [(n, cells) for n, cells in _csv_rows(text)]
    assert list(_source(tmp_path / "t.csv", text).rows) == expected
    batches = list(_source(tmp_path / "t.csv", text).column_batches(2))
    got = [row for columns in batches for row in zip(*columns, strict=True)]
    assert got == [tuple((cells + ["", "", ""])[:3]) for _, cells in expected]


@pytest.mark.parametrize("piece", [1, 5, 1 << 23])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
@pytest.mark.parametrize("end", ["", "\n", "\r\n"])
def test_a_plain_text_read_in_pieces_reads_as_the_csv_module_does(
    tmp_path, monkeypatch, piece, encoding, end
):
    monkeypatch.setattr(readers, "PIECE", piece)
    text = "a,b,c\n阿莫西林,1,x\r\n\n诊查费,2,y\n,,\n" + ("€,3,z" if encoding != "gbk" else "z,3,z")
    (tmp_path / "t.csv").write_bytes((text + end).encode(encoding))
    source = open_table(tmp_path / "t.csv")
    assert source.plain_lines is not None
    assert source.encoding == readers.decode((text + end).encode(encoding))[0]
    assert list(source.rows) == _csv_rows(text + end)


@pytest.mark.parametrize("size", [1, 7, 1 << 23])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
@pytest.mark.parametrize("end", ["", "\n", "\r\n"])
def test_a_plain_text_in_spans_is_its_lines_once_each(tmp_path, size, encoding, end):
    """A worker reads its span of the file itself: the spans together are the text's data
    lines, each once, whatever the span size, line ending or byte order mark."""
    lines = ["a,b,c", "阿莫西林,1,x", "", "诊查费,2,y", ",,", "z,3,z"]
    newline = "\r\n" if end == "\r\n" else "\n"
    (tmp_path / "t.csv").write_bytes((newline.join(lines) + end).encode(encoding))
    plain = open_table(tmp_path / "t.csv").plain_lines
    spans = list(plain.spans(size))
    assert [line for span in spans for line in span.lines()] == lines[1:] == list(plain)
    assert all(a.end == b.begin for a, b in zip(spans, spans[1:], strict=False))
    assert (len(spans) == 1) == (size > 100)


@pytest.mark.parametrize("piece", [1, 1 << 23])
def test_undecodable_bytes_are_placed_in_the_whole_file(tmp_path, monkeypatch, piece):
    monkeypatch.setattr(readers, "PIECE", piece)
    data = b"a,b\n1,2\n3,4\n" + b"\x81\x20,5\n"  # no encoding reads 0x81 0x20
    (tmp_path / "t.csv").write_bytes(data)
    with pytest.raises(UnicodeDecodeError) as whole:
        readers.decode(data)
    with pytest.raises(UnicodeDecodeError) as pieces:
        open_table(tmp_path / "t.csv")
    assert str(pieces.value) == str(whole.value) and pieces.value.start == 12


def _csv_rows(text):
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    return [(reader.line_num, cells) for cells in reader if cells]


def test_a_worker_process_stores_the_same_rows(tmp_path, package, monkeypatch):
    monkeypatch.setattr(parsing, "BATCH", 7)
    monkeypatch.setattr(staged, "SEGMENT_BYTES", 2400)
    monkeypatch.setattr(staged, "CLAIM_SPAN_BYTES", 250)
    monkeypatch.setattr(staged, "SEGMENTS_AHEAD", 1)  # most tasks are set after the first
    monkeypatch.setattr(staged, "SPANS_AHEAD", 1)
    with open(package / "lines.csv", "a", encoding="utf-8") as handle:  # refunds line 1
        handle.write(LINE.format(no=90, qty=-1, price=10, refund=1))
    stores = {}
    for worker in ("0", "1"):
        monkeypatch.setenv(bulk.WORKER_VAR, worker)
        stores[worker] = Workspace.open(tmp_path / f"w{worker}.yibao")
        import_package(stores[worker], package)
    for table in TABLES:
        assert _rows(stores["0"].conn, table) == _rows(stores["1"].conn, table), table


def test_a_bad_worker_setting_is_a_user_error(tmp_path, package, monkeypatch):
    monkeypatch.setenv(bulk.WORKER_VAR, "yes")
    with pytest.raises(UserError, match="YIBAO_IMPORT_WORKER must be 0 or 1"):
        import_package(Workspace.open(tmp_path / "w.yibao"), package)


def test_an_import_from_a_thread_does_not_fork_it(tmp_path, package, monkeypatch):
    """The desktop imports on a worker thread, where forking the process is unsafe."""
    monkeypatch.setenv(bulk.WORKER_VAR, "1")
    ws = Workspace.open(tmp_path / "w.yibao")
    seen = []

    def job():
        seen.append((processes.context().get_start_method(), import_package(ws, package).lines))

    thread = threading.Thread(target=job)
    thread.start()
    thread.join()
    assert len(seen) == 1 and seen[0][0] != "fork" and seen[0][1] == 133


@pytest.mark.parametrize("alone", [True, False])
def test_a_big_import_alone_on_the_file_writes_it_with_a_rollback_journal(
    tmp_path, package, monkeypatch, alone
):
    """``Workspace.bulk_journal``: alone on the file, a big import leaves the write-ahead log
    for its transaction and returns to it after; with another connection open (a window's
    reader) it keeps the log, without waiting for that connection."""
    monkeypatch.setenv(bulk.WORKER_VAR, "1")
    ws = Workspace.open(tmp_path / "w.yibao")
    other = None if alone else sqlite3.connect(tmp_path / "w.yibao")
    if other is not None:
        other.execute("SELECT count(*) FROM claims").fetchall()
    modes = set()

    def progress(stage, done, total):
        if stage in ("claims", "lines"):  # inside the import's transaction
            modes.add(ws.conn.execute("PRAGMA main.journal_mode").fetchone()[0])

    assert import_package(ws, package, progress=progress).lines == 133
    assert modes == ({"delete"} if alone else {"wal"})
    assert ws.conn.execute("PRAGMA main.journal_mode").fetchone()[0] == "wal"
    if other is not None:
        assert other.execute("SELECT count(*) FROM lines").fetchone()[0] == 133
        other.close()


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_a_worker_forked_by_an_import_collects_its_garbage(monkeypatch):
    """An import pauses the collector (``loader._collector_paused``); a worker forked then
    must not inherit it paused: each segment's database would stay (17 MB), and a city's
    year took 3.6 GB."""
    monkeypatch.setattr(processes, "context", lambda: multiprocessing.get_context("fork"))
    gc.disable()
    try:
        with processes.pool(1) as pool:
            assert pool.submit(gc.isenabled).result()
    finally:
        gc.enable()


def test_without_serialized_databases_the_lines_are_converted_here(tmp_path, package, monkeypatch):
    """Python's sqlite3 has deserialize() only when SQLite was built with it."""
    monkeypatch.setenv(bulk.WORKER_VAR, "1")
    monkeypatch.setattr(bulk, "_serializes", lambda conn: False)
    monkeypatch.setattr(bulk, "ImportWorkers", None)  # would fail if it were used
    assert import_package(Workspace.open(tmp_path / "w.yibao"), package).lines == 133


@pytest.mark.parametrize("worker", ["0", "1"])
def test_replacing_checks_the_file_against_itself_not_only_the_workspace(
    tmp_path, package, monkeypatch, worker
):
    """The fast path keeps no set of the file's claim ids: a claim the workspace has and the
    file gives twice, or a line of a claim only the workspace has, still reach the row path."""
    monkeypatch.setattr(parsing, "BATCH", 2)
    monkeypatch.setattr(staged, "SEGMENT_BYTES", 1600)
    monkeypatch.setattr(staged, "CLAIM_SPAN_BYTES", 250)
    monkeypatch.setenv(bulk.WORKER_VAR, worker)
    ws = Workspace.open(tmp_path / "w.yibao")
    import_package(ws, package)
    before = _rows(ws.conn, "claims"), _rows(ws.conn, "lines")
    with open(package / "claims.csv", encoding="utf-8") as handle:
        first = handle.read().splitlines()[1]
    with open(package / "claims.csv", "a", encoding="utf-8") as handle:
        handle.write(first + "\n")  # in a later batch than its first time
    with pytest.raises(ImportRejected) as info:
        import_package(ws, package, replace=True)
    assert f"duplicate claim id '{first.split(',')[0]}'" in "\n".join(info.value.errors)
    assert (_rows(ws.conn, "claims"), _rows(ws.conn, "lines")) == before

    other = tmp_path / "other"
    other.mkdir()
    with open(package / "claims.csv", encoding="utf-8") as handle:
        kept = handle.read().splitlines()[:2]  # the header and one claim
    (other / "claims.csv").write_text("\n".join(kept) + "\n", encoding="utf-8")
    with open(package / "lines.csv", encoding="utf-8") as handle:
        header, *lines = handle.read().splitlines()
    stray = next(line for line in lines if not line.startswith(first.split(",")[0] + ","))
    (other / "lines.csv").write_text(f"{header}\n{stray}\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_package(ws, other, replace=True)
    assert "unknown claim" in "\n".join(info.value.errors)
    assert (_rows(ws.conn, "claims"), _rows(ws.conn, "lines")) == before

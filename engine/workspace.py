"""A workspace: one SQLite file holding one audit case.

Opening creates the file if needed, brings an older schema up to date through the
``MIGRATIONS`` below, and switches to WAL so readers (the desktop) never block the writer.
Bulk paths use the plain ``sqlite3`` connection; SQLModel only defines the tables.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel

from engine import encryption, models
from engine.attribution import attribute_unattributed
from engine.errors import UserError, storage_error
from engine.files import create_private

ENV_VAR = "YIBAO_WORKSPACE"

# sqlite3 binds a None only after looking for an adapter, which raises and clears two
# AttributeErrors: about 1 µs a value, most of the cost of writing a line with empty
# columns. A registered adapter that returns None makes it one dictionary lookup.
sqlite3.register_adapter(type(None), {}.get)


READER_MMAP = 256 << 20
#: The size past which a commit folds the write-ahead log back into the file (``_fold_log``).
WAL_FOLD_BYTES = 64 << 20


def temp_store(key: str | None) -> str:
    """Where SQLite keeps temporary tables (an audit's enrichment, an import's index sorts):
    a plain workspace's go to a file behind a bounded page cache rather than to memory that
    only grows — on a 3.5 M-line workspace the audit's peak over its processes fell from
    1.8 GB to 1.1 GB (with READER_MMAP) for 2–4 % more time, imports took the same time. An
    encrypted workspace's stay in memory: patient data never reaches a plain temporary file."""
    return "MEMORY" if key is not None else "FILE"


def _migrate_1_to_2(conn: sqlite3.Connection) -> None:
    """Version 2 keeps a DIP catalogue built from history apart from the official one."""
    conn.execute("ALTER TABLE dip_groups RENAME TO dip_groups_v1")
    create_tables(conn, ["dip_groups"])
    conn.execute(
        "INSERT INTO dip_groups (source, group_code, group_type, diagnosis, main_procedure,"
        " related_procedures, treatment, rw, avg_cost, avg_los, extra)"
        " SELECT 'official', group_code, group_type, diagnosis, main_procedure,"
        " related_procedures, treatment, rw, avg_cost, avg_los, extra FROM dip_groups_v1"
    )
    conn.execute("DROP TABLE dip_groups_v1")


def add_missing_columns(conn: sqlite3.Connection) -> None:
    """Add every model column an older file lacks (new columns are nullable or defaulted)."""
    dialect = sqlite_dialect.dialect()
    for table in SQLModel.metadata.sorted_tables:
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table.name})")}
        if not have:
            continue  # a new table: create_tables makes it
        for column in table.columns:
            if column.name in have:
                continue
            ddl = f"{column.name} {column.type.compile(dialect=dialect)}"
            default = column.default.arg if column.default is not None else None
            if default is not None and not callable(default):
                ddl += f" DEFAULT {default!r}"
            conn.execute(f"ALTER TABLE {table.name} ADD COLUMN {ddl}")


# Data fills of version 3, run in order after its columns and tables exist
# (e.g. attributing the findings of an older file to their doctors).
UPGRADE_3_STEPS: list[Callable[[sqlite3.Connection], None]] = [attribute_unattributed]

# The national rules' points effects (interchange.md, "Rule files"), by rule code.
NATIONAL_POINTS_EFFECTS = {
    "GZ10000204001000": "zero",
    "GZ10000204005000": "zero",
    "ZF02": "regroup_conservative",
}


def _national_points_effects(conn: sqlite3.Connection) -> None:
    """Findings of the national rules stored before findings kept their rule's points effect
    get it, so a split stay confirmed in an older file is settled as revision 2 wants."""
    conn.executemany(
        "UPDATE findings SET points_effect = ? WHERE points_effect IS NULL AND code = ?"
        " AND rule_id LIKE 'national.%'",
        [(effect, code) for code, effect in NATIONAL_POINTS_EFFECTS.items()],
    )


UPGRADE_3_STEPS.append(_national_points_effects)


def _settlement_catalogues(conn: sqlite3.Connection) -> None:
    """Settlements stored before runs had a catalogue column kept it in ``rulesets`` as
    ``{"catalogue": …}``: moved to its own column."""
    conn.execute(
        "UPDATE runs SET catalogue = json_extract(rulesets, '$.catalogue'), rulesets = NULL"
        " WHERE kind = 'settle' AND catalogue IS NULL AND json_valid(rulesets)"
        " AND json_type(rulesets, '$.catalogue') = 'text'"
    )


UPGRADE_3_STEPS.append(_settlement_catalogues)


def _migrate_2_to_3(conn: sqlite3.Connection) -> None:
    """Version 3 (revision 2 of the specs) adds columns and tables, then fills them."""
    add_missing_columns(conn)
    create_tables(conn)
    for step in UPGRADE_3_STEPS:
        step(conn)


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
}


def create_tables(conn: sqlite3.Connection, names: list[str] | None = None) -> None:
    """Create the SQLModel tables (and their indexes) inside the caller's transaction."""
    dialect = sqlite_dialect.dialect()
    for table in SQLModel.metadata.sorted_tables:
        if names is not None and table.name not in names:
            continue
        ddl = str(CreateTable(table, if_not_exists=True).compile(dialect=dialect))
        conn.execute(ddl)
        for index in table.indexes:
            conn.execute(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect)))


def resolve_path(path: str | os.PathLike | None) -> Path:
    if path:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    raise UserError(f"no workspace given: pass --workspace W or set {ENV_VAR}")


def reader_path(conn: sqlite3.Connection) -> str | None:
    """The file other connections can open to see what ``conn`` sees; None for an
    in-memory database or inside an open transaction (whose rows only ``conn`` sees)."""
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    return path if path and not conn.in_transaction else None


def connect(path: str | os.PathLike, key: str | None = None, **kwargs) -> sqlite3.Connection:
    """A connection to a workspace file with the binding it needs: SQLCipher with its key
    (``key``, else the one this process opened it with) when it is encrypted."""
    key = key or encryption.key_for(path)
    if key is None and encryption.is_encrypted(path):
        key = encryption.passphrase(path)
    if key is None:
        return sqlite3.connect(path, **kwargs)
    return encryption.connect(path, key, **kwargs)


def data_version(conn: sqlite3.Connection) -> int:
    """A number that changes whenever another connection commits to the workspace."""
    return conn.execute("PRAGMA data_version").fetchone()[0]


_WORK_ZH = {"audit": "审核", "settlement": "结算"}


def check_snapshot(conn: sqlite3.Connection, snapshot: int, what: str) -> None:
    """Refuse a result read while another writer (an import, a window) changed the data:
    its parts (audit lanes, settlement readers) read at different moments, so it would mix
    the data before and after. Call inside the transaction that stores the result."""
    if data_version(conn) != snapshot:
        raise UserError(
            f"工作区数据在{_WORK_ZH.get(what, what)}过程中被另一进程修改，结果未保存，请重新运行"
            f" / the workspace changed while the {what} read it"
            f" (another import or window wrote to it); the run was not stored: run the {what}"
            " again"
        )


def open_reader(path: str, key: str | None = None) -> sqlite3.Connection:
    """A read-only connection, for work split over the cores: SQLite releases the GIL while
    it runs a statement, so each thread's connection runs on its own core. ``key``: an
    encrypted workspace's, in a worker process (this process's own opens know it)."""
    uri = Path(path).as_uri() + "?mode=ro"  # percent-encoded, so any path (Windows too) works
    key = key or encryption.key_for(path)
    if key is None:
        reader = sqlite3.connect(uri, uri=True, check_same_thread=False)
    else:
        reader = encryption.connect(uri, key, path, uri=True, check_same_thread=False)
    reader.execute(f"PRAGMA temp_store={temp_store(key)}")
    reader.execute("PRAGMA cache_size=-100000")
    # share the OS page cache (no cold start), but only so much of it: every mapped page a
    # process touches counts in its resident set, and each audit lane maps the same file
    reader.execute(f"PRAGMA mmap_size={READER_MMAP}")
    return reader


def _recognise(path: Path, conn: sqlite3.Connection) -> int:
    """The schema version of the file ``conn`` opened, read without writing anything; an
    SQLite file of another application, or of a newer yibao, is refused."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if tables and (version == 0 or not tables & set(SQLModel.metadata.tables)):
        raise UserError(f"{path} is an SQLite file of another application, not a yibao workspace")
    if version > models.SCHEMA_VERSION:
        raise UserError(
            f"{path} was written by a newer yibao (schema {version}, this one knows "
            f"{models.SCHEMA_VERSION}); update yibao to open it"
        )
    return version


def _key(path: Path, encrypt: bool, passphrase: str | None) -> str | None:
    """The key to open ``path`` with; None for a plain workspace."""
    encrypted = encryption.is_encrypted(path)
    if encrypt and not encrypted and path.exists() and path.stat().st_size:
        raise UserError(
            f"{path} is a plain workspace: --encrypt creates a new workspace, it does not"
            " convert one / 已是未加密的工作区"
        )
    if not (encrypt or encrypted):
        return None
    return passphrase or encryption.passphrase(path, new=not encrypted)


class Workspace:
    """An open workspace file."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.created = False  # this open made the file

    @classmethod
    def open(
        cls,
        path: str | os.PathLike,
        create: bool = True,
        *,
        encrypt: bool = False,
        passphrase: str | None = None,
    ) -> Workspace:
        """Open a workspace (``create``: make a new one, owner-only, if ``path`` is absent).
        A file that is not a workspace this yibao can open is refused before anything is
        written to it; a damaged one (a table or column missing) is refused with its fault.
        An encrypted one is opened with ``passphrase`` (else see ``encryption.passphrase``);
        ``encrypt`` makes a new one encrypted."""
        path = Path(path)
        if path.is_dir():
            raise UserError(f"workspace path is a folder: {path}")
        key = _key(path, encrypt, passphrase) if path.exists() or create else None
        created = False
        if not path.exists():
            if not create:
                raise UserError(f"workspace not found: {path}")
            if not path.parent.is_dir():
                raise UserError(f"folder not found: {path.parent}")
            created = create_private(path)
        elif not create and path.stat().st_size == 0:
            raise UserError(f"{path} is an empty file, not a yibao workspace")
        try:
            conn = connect(path, key, isolation_level=None, check_same_thread=False)
            try:
                version = _recognise(path, conn)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=OFF")
                conn.execute(f"PRAGMA temp_store={temp_store(key)}")
                conn.execute("PRAGMA cache_size=-200000")
            except BaseException:
                conn.close()
                raise
        except encryption.errors("DatabaseError") as exc:
            raise storage_error(exc, path) or UserError(
                f"{path} is not a yibao workspace ({exc})"
            ) from exc
        if key is not None:
            encryption.remember(path, key)
        ws = cls(path, conn)
        ws.created = created
        try:
            ws._upgrade(version)
            ws.check_schema()
        except BaseException:
            ws.close()
            raise
        return ws

    def check_schema(self) -> None:
        """Every table and column this yibao reads is there, or the file is called damaged."""
        for table in SQLModel.metadata.sorted_tables:
            have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table.name})")}
            if not have:
                raise UserError(
                    f"{self.path} is damaged: table {table.name} is missing"
                    " (restore the workspace from a copy)"
                )
            lacking = [c.name for c in table.columns if c.name not in have]
            if lacking:
                raise UserError(
                    f"{self.path} is damaged: table {table.name} lacks column"
                    f" {', '.join(lacking)} (restore the workspace from a copy)"
                )

    def discard(self) -> None:
        """Close and delete a workspace this open created (a failed first import)."""
        self.close()
        if self.created:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _upgrade(self, version: int) -> None:
        if version > models.SCHEMA_VERSION:
            raise UserError(
                f"{self.path} was written by a newer yibao (schema {version}, this one knows "
                f"{models.SCHEMA_VERSION}); update yibao to open it"
            )
        if version == models.SCHEMA_VERSION:
            return
        with self.transaction():
            if version == 0:
                create_tables(self.conn)
            else:
                for v in range(version, models.SCHEMA_VERSION):
                    MIGRATIONS[v](self.conn)
                create_tables(self.conn)  # tables added since then
            self.conn.execute(f"PRAGMA user_version={models.SCHEMA_VERSION}")

    @contextmanager
    def bulk_journal(self, wanted: bool = True) -> Iterator[None]:
        """Around a transaction that writes gigabytes (a city's year imported): the rollback
        journal instead of the write-ahead log while it runs. The log takes every page twice
        (the log, then the file) and makes each read look its pages up in the log's index
        first: importing 23.4 M lines took 214 s with it, 197 s without (its commit 18 s,
        not 0.2 s), and the same at 1 M lines. A kill still leaves the file as it was: the
        journal rolls it back when the file is next opened. Only a connection alone on the
        file may leave the log (a window's reader, another yibao): then it is kept, at once."""
        switched = wanted and self._journal("delete", wait=False)
        try:
            yield
        finally:
            if switched:
                self._journal("wal", wait=True)

    def _journal(self, mode: str, wait: bool) -> bool:
        """Change the journal mode; False when another connection keeps it (``wait``: for as
        long as a busy file is waited for, else not at all)."""
        timeout = self.conn.execute("PRAGMA busy_timeout").fetchone()[0]
        if not wait:
            self.conn.execute("PRAGMA busy_timeout=0")
        try:
            return self.conn.execute(f"PRAGMA main.journal_mode={mode}").fetchone()[0] == mode
        except encryption.errors("OperationalError"):
            return False
        finally:
            self.conn.execute(f"PRAGMA busy_timeout={timeout}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: an exception (or a kill) leaves the file as it was."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except encryption.errors("OperationalError") as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            raise UserError(
                f"{self.path} is in use: another yibao (a window or a command) is writing to"
                " it; try again when that has finished"
            ) from None
        try:
            yield self.conn
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            problem = storage_error(exc, self.path)
            if problem is not None:
                raise problem from exc
            raise
        self._fold_log()

    def _fold_log(self) -> None:
        """Copy a write-ahead log grown past ``WAL_FOLD_BYTES`` back into the file and empty
        it. A whole import is one transaction, so a city's year imported beside an open
        window (which keeps the log: ``bulk_journal``) leaves a log of a million pages, and every later read looks its pages up in the log's index first, even once
        they are copied back: the audit after a 7 M-line import ran at 110,000 lines/s
        instead of 120,000. Another reader may keep the log in use; the next commit tries again."""
        try:
            if os.path.getsize(f"{self.path}-wal") < WAL_FOLD_BYTES:
                return
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except (OSError, *encryption.errors("OperationalError")):
            return

    @property
    def encrypted(self) -> bool:
        return encryption.keeps_secrets(self.conn)

    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def get_setting(self, key: str, default=None):
        row = self.conn.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return self.stored_json(row[0], f"setting {key}") if row else default

    def stored_json(self, text, what: str):
        """JSON this workspace stored; text that is not JSON (an edited file) is a clear
        error naming it, not a traceback."""
        try:
            return json.loads(text)
        except (TypeError, ValueError) as exc:
            raise UserError(
                f"{self.path} is damaged: its {what} is not valid JSON ({exc}); set it again"
                " or restore the workspace from a copy"
            ) from None

    def set_setting(self, key: str, value) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
            (key, json.dumps(value, ensure_ascii=False)),
        )

    def count(self, table: str) -> int:
        return self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

"""Writing a month of calls fast (no Python object per value): SQLite through the ADBC driver or executemany(), PostgreSQL
through COPY; and the callers of an import, one row per distinct number. Used by kefu.telephony.services; the names are
public so that the tests can check each piece."""
from __future__ import annotations

import os
import shutil
import tempfile

import polars as pl
from django.db import connection

from kefu.audit import crypto
from kefu.telephony.models import Call, Caller

try:  # optional: the fast SQLite insert (see Stage)
    import adbc_driver_sqlite.dbapi as adbc_sqlite
except ImportError:  # pragma: no cover - depends on the installation
    adbc_sqlite = None

CALL_COLUMNS = ["center_id", "batch_id", "call_id", "queue", "call_type", "is_vip", "caller_id", "offered_at",
                "outcome", "requested_agent", "queued", "answered_at", "wait_seconds", "rings", "talk_seconds", "hold_seconds",
                "acw_seconds", "transferred", "transfer_kind", "transfer_target", "disposition", "first_call_resolved",
                "agent_staff_no", "agent_id", "team_id", "ended_at", "hangup_by"]


# SQLite page cache during a call import (KiB): the secondary indexes of a month of calls stay in memory instead of being
# re-read and re-written page by page (2 MB default); given back when the import ends.
SQLITE_IMPORT_CACHE_KIB = 262_144
# ... and for services.import_csv_direct, which writes the table and its UNIQUE index in key order (appends) and builds the other
# index by one sort: measured at 1M calls, 64 MB as fast as 256 MB, and 170 MB less peak memory
SQLITE_DIRECT_CACHE_KIB = 65_536


def sql_literal(value) -> str | None:
    """A value written into the statement text (None when it must stay a parameter)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    return None


def sqlite_statement(table: str, chunk: pl.DataFrame) -> tuple[str, list[pl.Expr]]:
    """INSERT for a chunk, and the expressions giving the values to bind, shaped for the cost of binding in Python's
    sqlite3 (measured: 8 columns x 200,000 rows: int/float 0.5 s, None or bool 2.1 s; the driver looks for an adapter
    for every value that is not an exact int/float/str):
    - a column holding one value in the whole chunk (center, batch, fields the file lacks) is written as a literal;
    - booleans are bound as 0/1;
    - a column with some NULLs binds a value it never holds instead, turned back into NULL by NULLIF()."""
    stats = chunk.select(pl.all().n_unique()).row(0)
    values, binds = [], []
    for name, n in zip(chunk.columns, stats):
        col = chunk.get_column(name)
        # call_id differs on every row: it stays a parameter even in a one-row chunk, which thus still has a row to bind
        literal = sql_literal(col[0]) if n == 1 and name != "call_id" else None
        if literal is not None:
            values.append(literal)
            continue
        expr = pl.col(name).cast(pl.Int64) if col.dtype == pl.Boolean else pl.col(name)
        if not col.null_count():
            values.append("?")
            binds.append(expr)
            continue
        sentinel = "" if col.dtype == pl.Utf8 else -1
        if (col.cast(pl.Int64) == -1).any() if col.dtype == pl.Boolean else (col == sentinel).any():
            values.append("?")  # the sentinel is a real value here: bind the NULLs as they are
            binds.append(expr)
            continue
        values.append(f"NULLIF(?, {sql_literal(sentinel)})")
        binds.append(expr.fill_null(sentinel))
    sql = (f"INSERT INTO {table} ({', '.join(chunk.columns)}) VALUES ({', '.join(values)}) "
           f"ON CONFLICT (center_id, call_id) DO NOTHING")
    return sql, binds


SQLITE_REBUILD_MIN_ROWS = 100_000


def sqlite_indexes_to_rebuild(cursor, table: str, rows: int) -> list[tuple[str, str]]:
    """(name, CREATE INDEX) of the table's secondary indexes when this import at least doubles the table: building an
    index from the finished table (one sort) costs less than inserting as many rows again into it one by one (measured
    on 200,000 calls: 4.5 s CPU inserting into the indexes, 3.8 s with the rebuild). They are dropped and created again
    inside the import's transaction, so another connection sees either the old table with its indexes or the new one
    with its indexes, and a failed import rolls the drop back. The UNIQUE (center, call_id) index is never dropped: it
    makes the import idempotent. max(id) - min(id) over-counts the rows after deletes, never under-counts."""
    if rows < SQLITE_REBUILD_MIN_ROWS:
        return []
    lo, hi = cursor.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()
    if hi is not None and hi - lo + 1 > rows:
        return []
    return cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                          [table]).fetchall()


def sqlite_insert_bound(cursor, table: str, prepared: pl.DataFrame, batch_size: int, progress=None) -> int:
    """executemany of each chunk's varying columns on the driver's cursor (4x less CPU than json_each(), measured)."""
    created = 0
    for i in range(0, prepared.height, batch_size):
        chunk = prepared.slice(i, batch_size)
        sql, binds = sqlite_statement(table, chunk)
        cursor.executemany(sql, chunk.select(binds).rows())
        created += cursor.rowcount  # rows ignored by ON CONFLICT count 0
        if progress:
            progress(chunk.height)
    return created


# rows per INSERT ... SELECT from the staging file (one progress step each), and per write to it
SQLITE_STAGED_CHUNK = 50_000
STAGE_WRITE_ROWS = 200_000
STAGE_ALIAS = "kefu_stage"


class Stage:
    """Where an import on SQLite stages its calls, when the ADBC SQLite driver is installed (measured on 200,000 calls:
    0.7 s CPU to write them through Arrow, values bound in C, and 0.7 s to copy them in, against 3.5 s for executemany()
    binding each value from Python).

    Use around the import's transaction: `with Stage() as stage, transaction.atomic(): ...` (see services.insert_staged).
    write() puts frames with the driver into a scratch database file of its own; copy() has Django's connection ATTACH it
    and copy the rows with INSERT ... SELECT in rowid order, on the import's own connection and in its transaction (all
    or nothing holds). SQLite keeps an attached file read in a transaction until that transaction ends, so it is
    DETACHed when the `with` ends, after the transaction. Hence `usable` only when no transaction is open yet (otherwise
    the rows are bound by executemany(), the same rows). The scratch file holds what the table will hold (callers as
    Fernet tokens and digests, never in clear) and is deleted at the end."""

    def __init__(self):
        self.folder: str | None = None
        self.attached = False

    def __enter__(self) -> "Stage":
        if adbc_sqlite is not None and connection.vendor == "sqlite" and not connection.in_atomic_block:
            connection.ensure_connection()
            self._detach()  # one left by an import whose transaction was still open when it ended
            self.folder = tempfile.mkdtemp(prefix="kefu-import-")
        return self

    @property
    def usable(self) -> bool:
        return self.folder is not None and not self.attached

    def _detach(self) -> None:
        cursor = connection.connection.cursor()
        try:
            if any(row[1] == STAGE_ALIAS for row in cursor.execute("PRAGMA database_list")):
                cursor.execute(f"DETACH DATABASE {STAGE_ALIAS}")
        except Exception:  # noqa: BLE001 - still in a transaction: detached by the next import
            pass
        finally:
            cursor.close()

    def __exit__(self, *exc) -> None:
        if self.folder is None:
            return
        try:
            if self.attached:
                self._detach()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def write(self, name: str, frame: pl.DataFrame, append: bool = False) -> None:
        """A new table of the scratch file (or more rows at its end), rows in the frame's order (rowid 1, 2, ...).
        Releases the GIL while it writes."""
        assert not self.attached, "the scratch file is written before it is attached"
        with adbc_sqlite.connect(os.path.join(self.folder, "stage.sqlite3")) as conn:
            with conn.cursor() as cur:
                cur.adbc_ingest(name, frame, mode="append" if append else "create")
            conn.commit()

    def attach(self, cursor) -> None:
        """Have Django's connection (its driver cursor) ATTACH the scratch file, once."""
        if not self.attached:
            cursor.execute(f"ATTACH DATABASE ? AS {STAGE_ALIAS}", [os.path.join(self.folder, "stage.sqlite3")])
            self.attached = True

    def copy(self, cursor, table: str, columns: list[str], select: list[str], source: str, rows: int, batch_size: int,
             progress=None) -> int:
        """INSERT INTO table (columns) SELECT select FROM source (its calls aliased c, read in rowid order, chunk by chunk:
        one progress step each) ON CONFLICT DO NOTHING, on Django's connection; returns the rows added."""
        self.attach(cursor)
        created = 0
        step = max(batch_size, SQLITE_STAGED_CHUNK)
        for lo in range(0, rows, step):
            hi = min(lo + step, rows)
            # the WHERE is needed anyway: without one SQLite reads ON CONFLICT as a join constraint of the SELECT
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(select)} FROM {source} "
                           f"WHERE c.rowid > {lo} AND c.rowid <= {hi} ON CONFLICT (center_id, call_id) DO NOTHING")
            created += cursor.rowcount
            if progress:
                progress(hi - lo)
        return created


def insert_calls(prepared: pl.DataFrame | None, batch_size: int, progress=None, staged=None, rows: int | None = None) -> int:
    """INSERT ... ON CONFLICT DO NOTHING (call_id is unique per center), without a Python object per value; returns the
    rows added. PostgreSQL: COPY of the frame written as CSV into a temp table, then one INSERT ... SELECT;
    SQLite: `staged(cursor)` when given (the rows are in a Stage: services.insert_staged), else executemany()
    (sqlite_insert_bound). `rows`: how many (when `prepared` is None)."""
    rows = prepared.height if rows is None else rows
    if rows == 0:
        return 0
    table = Call._meta.db_table
    cols = ", ".join(CALL_COLUMNS)
    connection.ensure_connection()
    # the driver's own cursor: Django's debug wrapper would format a 50,000-row statement for its query log
    cursor = connection.connection.cursor()
    created = 0
    try:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE kefu_call_in AS SELECT {cols} FROM {table} WITH NO DATA")
            with cursor.copy(f"COPY kefu_call_in ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                for i in range(0, prepared.height, 200_000):
                    copy.write(prepared.slice(i, 200_000).write_csv(include_header=False, null_value="\\N").encode())
                    if progress:
                        progress(min(200_000, prepared.height - i))
            cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM kefu_call_in ON CONFLICT (center_id, call_id) DO NOTHING")
            created = cursor.rowcount
            cursor.execute("DROP TABLE kefu_call_in")
        else:
            cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = {-SQLITE_IMPORT_CACHE_KIB}")
            try:
                rebuild = sqlite_indexes_to_rebuild(cursor, table, rows)
                for name, _ in rebuild:
                    cursor.execute(f'DROP INDEX "{name}"')
                if staged is not None:
                    created = staged(cursor)
                else:
                    created = sqlite_insert_bound(cursor, table, prepared, batch_size, progress)
                for _, ddl in rebuild:
                    cursor.execute(ddl)
            finally:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    finally:
        cursor.close()
    return created



class AdbcCursor:
    """The sqlite3-cursor calls the import makes (execute, fetchone, fetchall), on a cursor of the ADBC driver, whose own
    fetch*() need pyarrow: rows are read through Polars from the driver's Arrow stream."""

    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql: str, params=None) -> "AdbcCursor":
        if params is None:
            self.cursor.execute(sql)
        else:
            self.cursor.execute(sql, params)
        return self

    def fetchall(self) -> list[tuple]:
        return self.fetch_frame().rows()

    def fetch_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.cursor.fetch_arrow())

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None


def sqlite_file() -> str | None:
    """The file of Django's SQLite database, when another connection (the ADBC driver's) can open it: not an in-memory one."""
    name = str(connection.settings_dict["NAME"])
    return None if name == ":memory:" or "mode=memory" in name or name.startswith("file:") else name


def direct_usable() -> bool:
    return (adbc_sqlite is not None and connection.vendor == "sqlite" and not connection.in_atomic_block
            and sqlite_file() is not None)



def new_calls(cur, table: str, center_id: int, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame without the rows ON CONFLICT (center, call_id) DO NOTHING would skip: call_ids (cut to the column's 64
    characters) stored already for the center, and a repeat of an earlier row's in the file."""
    if frame.height and frame.get_column("call_id").str.len_chars().max() > 64:
        frame = (frame.with_columns(pl.col("call_id").str.slice(0, 64).alias("_key"))
                 .unique(subset="_key", keep="first", maintain_order=True).drop("_key"))
    if cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE center_id = ?)", (center_id,)).fetchone()[0]:
        ids = frame.select(pl.col("call_id").str.slice(0, 64))
        cur.cursor.adbc_ingest("kefu_import_ids", ids, mode="replace", temporary=True)
        stored = cur.execute(f"SELECT i.call_id FROM temp.kefu_import_ids AS i JOIN {table} AS c "
                             f"ON c.center_id = ? AND c.call_id = i.call_id", (center_id,)).fetchall()
        cur.execute("DROP TABLE temp.kefu_import_ids")
        if stored:
            known = pl.DataFrame({"_key": [r[0] for r in stored]}, schema={"_key": pl.Utf8})
            frame = (frame.with_columns(pl.col("call_id").str.slice(0, 64).alias("_key"))
                     .join(known, on="_key", how="anti", maintain_order="left").drop("_key"))
    return frame




# ---------------------------------------------------------------- callers: one row per distinct number and center

def caller_table(numbers: pl.Series) -> pl.DataFrame:
    """The distinct caller numbers of an import, each digested and encrypted once (kefu.audit.crypto: HMAC and Fernet
    through the library's public API): number_id (0, 1, ...), number, digest, token. '' and null are no caller."""
    distinct = numbers.fill_null("").unique()
    values = distinct.filter(distinct != "").to_list()
    return pl.DataFrame({"number": values, "digest": crypto.digest_many(values), "token": crypto.encrypt_many(values)},
                        schema={"number": pl.Utf8, "digest": pl.Utf8, "token": pl.Utf8}).with_row_index("number_id")


def caller_rows_sql(table: str, source: str, center_param: str) -> str:
    """INSERT of the callers of `source` (digest, token) not stored yet for the center: the digest is UNIQUE per center, a
    number stored already (or twice in the source) is left as it is."""
    return (f"INSERT INTO {Caller._meta.db_table} (center_id, number, number_digest) SELECT {center_param}, token, digest "
            f"FROM {source} WHERE digest IS NOT NULL ORDER BY digest ON CONFLICT (center_id, number_digest) DO NOTHING")


def store_callers(cursor, center_id: int, callers: pl.DataFrame) -> pl.DataFrame:
    """Store the callers of caller_table() that the center has not yet, and return (number_id, caller_id) of every one.
    `cursor`: a DB-API cursor of Django's connection (sqlite3 or psycopg), or an AdbcCursor (the direct CSV import)."""
    # in digest order: the callers' UNIQUE (center, digest) index is then filled and probed in key order, not at a
    # random leaf per number (490,000 new numbers: 2.0 s CPU against 3.0 s, and 4.3 s with the INSERT unsorted too)
    rows = callers.select("number_id", "digest", "token").sort("digest")
    if isinstance(cursor, AdbcCursor):
        cursor.cursor.adbc_ingest("kefu_caller_in", rows, mode="replace", temporary=True)
        source, param = "temp.kefu_caller_in", "?"
    elif connection.vendor == "postgresql":
        cursor.execute("CREATE TEMP TABLE kefu_caller_in (number_id bigint, digest text, token text)")
        with cursor.copy("COPY kefu_caller_in (number_id, digest, token) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(rows.write_csv(include_header=False).encode())
        source, param = "kefu_caller_in", "%s"
    else:
        cursor.execute("CREATE TEMP TABLE kefu_caller_in (number_id INTEGER PRIMARY KEY, digest TEXT, token TEXT)")
        cursor.executemany("INSERT INTO temp.kefu_caller_in (number_id, digest, token) VALUES (?, ?, ?)", rows.rows())
        source, param = "temp.kefu_caller_in", "?"
    try:
        cursor.execute(caller_rows_sql(Caller._meta.db_table, source, param), (center_id,))
        cursor.execute(f"SELECT i.number_id, k.id FROM {source} AS i JOIN {Caller._meta.db_table} AS k "
                       f"ON k.center_id = {param} AND k.number_digest = i.digest", (center_id,))
        if isinstance(cursor, AdbcCursor):  # Arrow straight into the frame: no Python tuple per caller
            found = cursor.fetch_frame().rename(lambda name: {"id": "caller_id"}.get(name, name))
        else:
            found = pl.DataFrame(cursor.fetchall(), schema={"number_id": pl.Int64, "caller_id": pl.Int64}, orient="row")
    finally:
        cursor.execute(f"DROP TABLE {source}")
    return found.select(pl.col("number_id").cast(pl.UInt32), pl.col("caller_id").cast(pl.Int64))

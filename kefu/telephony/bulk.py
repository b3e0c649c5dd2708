"""Bulk loading of calls: `insert_calls(frame)` is the one way the importers store a normalised call frame (see
csv_import.FIELDS), without a Python object per value. It stores the frame's callers first (one row per distinct number
and center, only the numbers the center has not yet encrypted), then the calls, joined to their staff, team and caller:
- SQLite, in a `direct_transaction` (a database file, no transaction of Django's connection open, the ADBC driver
  installed): values bound in C from Arrow straight into the calls table, a slice at a time in call_id order;
- SQLite otherwise (inside a caller's transaction: tests, a caller's atomic; an in-memory database): executemany();
- PostgreSQL: COPY into a temp table, then one INSERT ... SELECT.
Measured timings: the telephony README."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import polars as pl
from django.db import connection

from kefu.audit import crypto
from kefu.org.models import Staff
from kefu.telephony.models import Call, Caller

try:  # optional: the direct SQLite insert (see direct_transaction)
    import adbc_driver_sqlite.dbapi as adbc_sqlite
except ImportError:  # pragma: no cover - depends on the installation
    adbc_sqlite = None

CALL_COLUMNS = [
    "center_id",
    "batch_id",
    "call_id",
    "queue",
    "call_type",
    "is_vip",
    "caller_id",
    "offered_at",
    "outcome",
    "requested_agent",
    "queued",
    "answered_at",
    "wait_seconds",
    "rings",
    "talk_seconds",
    "hold_seconds",
    "acw_seconds",
    "transferred",
    "transfer_kind",
    "transfer_target",
    "disposition",
    "first_call_resolved",
    "agent_staff_no",
    "agent_id",
    "team_id",
    "ended_at",
    "hangup_by",
]


# SQLite page cache during a call import (KiB): the secondary indexes of a month of calls stay in memory instead of being
# re-read and re-written page by page (2 MB default); given back when the import ends.
SQLITE_IMPORT_CACHE_KIB = 262_144
# ... and in a direct_transaction, which writes the table and its UNIQUE index in key order (appends) and builds the other
# index by one sort (a bigger cache is no faster: telephony README)
SQLITE_DIRECT_CACHE_KIB = 65_536
DIRECT_WRITE_ROWS = 200_000  # rows per write of the driver in a direct_transaction


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
    sqlite3 (the driver looks for an adapter for every value that is not an exact int/float/str, which costs much more):
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
    sql = (
        f"INSERT INTO {table} ({', '.join(chunk.columns)}) VALUES ({', '.join(values)}) "
        f"ON CONFLICT (center_id, call_id) DO NOTHING"
    )
    return sql, binds


SQLITE_REBUILD_MIN_ROWS = 100_000


def sqlite_indexes_to_rebuild(cursor, table: str, rows: int) -> list[tuple[str, str]]:
    """(name, CREATE INDEX) of the table's secondary indexes when this import at least doubles the table: building an
    index from the finished table (one sort) costs less than inserting as many rows again into it one by one. They are dropped and created again
    inside the import's transaction, so another connection sees either the old table with its indexes or the new one
    with its indexes, and a failed import rolls the drop back. The UNIQUE (center, call_id) index is never dropped: it
    makes the import idempotent. max(id) - min(id) over-counts the rows after deletes, never under-counts."""
    if rows < SQLITE_REBUILD_MIN_ROWS:
        return []
    lo, hi = cursor.execute(f"SELECT min(id), max(id) FROM {table}").fetchone()
    if hi is not None and hi - lo + 1 > rows:
        return []
    return cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [table]
    ).fetchall()


def sqlite_insert_bound(cursor, table: str, prepared: pl.DataFrame, batch_size: int, progress=None) -> int:
    """executemany of each chunk's varying columns on the driver's cursor."""
    created = 0
    for i in range(0, prepared.height, batch_size):
        chunk = prepared.slice(i, batch_size)
        sql, binds = sqlite_statement(table, chunk)
        cursor.executemany(sql, chunk.select(binds).rows())
        created += cursor.rowcount  # rows ignored by ON CONFLICT count 0
        if progress:
            progress(chunk.height)
    return created


class AdbcCursor:
    """The sqlite3-cursor calls the import makes (execute, fetchone, fetchall), on a cursor of the ADBC driver, whose own
    fetch*() need pyarrow: rows are read through Polars from the driver's Arrow stream."""

    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql: str, params=None) -> AdbcCursor:
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
    """Can an import run in a direct_transaction? (SQLite in a file, the ADBC driver, no transaction of Django's open)"""
    return (
        adbc_sqlite is not None
        and connection.vendor == "sqlite"
        and not connection.in_atomic_block
        and sqlite_file() is not None
    )


@contextmanager
def direct_transaction(path: str | None = None):
    """A write transaction (BEGIN IMMEDIATE: the write lock first, as Django's own transactions here) of a connection of
    the ADBC driver on the database file (`path`, default Django's), yielding its AdbcCursor: COMMIT when the block ends,
    ROLLBACK on any exception. Everything an import writes goes through that cursor, so all or nothing holds as with
    Django's connection, which must have no transaction open (direct_usable). The durability and lock wait are those
    of Django's connection (settings: synchronous NORMAL under WAL, else SQLite's FULL). Foreign keys are not checked
    row by row (4 parent lookups a call): the import reads every parent inside the transaction instead (center, user,
    the center's staff and teams), and the write lock it holds from its start keeps them there until it commits."""
    path = path or sqlite_file()
    connection.ensure_connection()
    pragmas = {
        name: connection.connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("synchronous", "busy_timeout")
    }
    pragmas |= {"foreign_keys": 0, "cache_size": -SQLITE_DIRECT_CACHE_KIB}
    conn = adbc_sqlite.connect(path, autocommit=True)
    try:
        cur = AdbcCursor(conn.cursor())
        for name, value in pragmas.items():
            cur.execute(f"PRAGMA {name} = {int(value)}")
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except adbc_sqlite.Error:  # SQLite rolled back already (some errors end the transaction themselves)
                pass
            raise
    finally:
        conn.close()


def direct_statement(table: str, rows: pl.DataFrame) -> tuple[str, list[str]]:
    """INSERT of `rows` for a direct_transaction's cursor, and the columns it binds: a column holding one value in all
    the rows (center, batch, fields the file lacks: about a third of a call's columns) is written into the statement
    as a literal instead of being bound row by row (~15 % of the driver's CPU for the calls)."""
    values, varying = [], []
    for name, n in zip(rows.columns, rows.select(pl.all().n_unique()).row(0)):
        literal = sql_literal(rows.get_column(name)[0]) if n == 1 and name not in ("id", "call_id") else None
        if literal is None:
            values.append("?")
            varying.append(name)
        else:
            values.append(literal)
    return f"INSERT INTO {table} ({', '.join(rows.columns)}) VALUES ({', '.join(values)})", varying


def new_calls(cur, table: str, center_id: int, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame without the rows ON CONFLICT (center, call_id) DO NOTHING would skip: call_ids (cut to the column's 64
    characters) stored already for the center, and a repeat of an earlier row's in the file."""
    if frame.height and frame.get_column("call_id").str.len_chars().max() > 64:
        frame = (
            frame.with_columns(pl.col("call_id").str.slice(0, 64).alias("_key"))
            .unique(subset="_key", keep="first", maintain_order=True)
            .drop("_key")
        )
    if cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE center_id = ?)", (center_id,)).fetchone()[0]:
        ids = frame.select(pl.col("call_id").str.slice(0, 64))
        cur.cursor.adbc_ingest("kefu_import_ids", ids, mode="replace", temporary=True)
        stored = cur.execute(
            f"SELECT i.call_id FROM temp.kefu_import_ids AS i JOIN {table} AS c "
            f"ON c.center_id = ? AND c.call_id = i.call_id",
            (center_id,),
        ).fetchall()
        cur.execute("DROP TABLE temp.kefu_import_ids")
        if stored:
            known = pl.DataFrame({"_key": [r[0] for r in stored]}, schema={"_key": pl.Utf8})
            frame = (
                frame.with_columns(pl.col("call_id").str.slice(0, 64).alias("_key"))
                .join(known, on="_key", how="anti", maintain_order="left")
                .drop("_key")
            )
    return frame


# ---------------------------------------------------------------- callers: one row per distinct number and center


def caller_table(numbers: pl.Series) -> pl.DataFrame:
    """The distinct caller numbers of an import, each digested once (kefu.audit.crypto.digest_many: the library's
    public HMAC API): number_id (0, 1, ...), number, digest. '' and null are no caller."""
    distinct = numbers.fill_null("").unique()
    values = distinct.filter(distinct != "").to_list()
    return pl.DataFrame(
        {"number": values, "digest": crypto.digest_many(values)}, schema={"number": pl.Utf8, "digest": pl.Utf8}
    ).with_row_index("number_id")


def caller_rows_sql(table: str, source: str, center_param: str) -> str:
    """INSERT of the callers of `source` (digest, token) not stored yet for the center: the digest is UNIQUE per center, a
    number stored already (or twice in the source) is left as it is."""
    return (
        f"INSERT INTO {Caller._meta.db_table} (center_id, number, number_digest) SELECT {center_param}, token, digest "
        f"FROM {source} WHERE digest IS NOT NULL ORDER BY digest ON CONFLICT (center_id, number_digest) DO NOTHING"
    )


def _temp_table(cursor, name: str, rows: pl.DataFrame) -> tuple[str, str]:
    """`rows` (number_id, digest[, token]) as a temp table of the cursor's connection: (its name in SQL, the parameter mark)."""
    columns = ", ".join(rows.columns)
    if isinstance(cursor, AdbcCursor):
        cursor.cursor.adbc_ingest(name, rows, mode="replace", temporary=True)
        return f"temp.{name}", "?"
    if connection.vendor == "postgresql":
        types = ", ".join(f"{c} {'bigint' if c == 'number_id' else 'text'}" for c in rows.columns)
        cursor.execute(f"CREATE TEMP TABLE {name} ({types})")
        with cursor.copy(f"COPY {name} ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            copy.write(rows.write_csv(include_header=False).encode())
        return name, "%s"
    types = ", ".join(f"{c} {'INTEGER PRIMARY KEY' if c == 'number_id' else 'TEXT'}" for c in rows.columns)
    cursor.execute(f"CREATE TEMP TABLE {name} ({types})")
    cursor.executemany(
        f"INSERT INTO temp.{name} ({columns}) VALUES ({', '.join('?' for _ in rows.columns)})", rows.rows()
    )
    return f"temp.{name}", "?"


def _found(cursor, source: str, param: str, center_id: int) -> pl.DataFrame:
    """(number_id, caller_id) of the rows of `source` whose digest the center has."""
    cursor.execute(
        f"SELECT i.number_id, k.id FROM {source} AS i JOIN {Caller._meta.db_table} AS k "
        f"ON k.center_id = {param} AND k.number_digest = i.digest",
        (center_id,),
    )
    if isinstance(cursor, AdbcCursor):  # Arrow straight into the frame: no Python tuple per caller
        found = cursor.fetch_frame().rename(lambda name: {"id": "caller_id"}.get(name, name))
    else:
        found = pl.DataFrame(cursor.fetchall(), schema={"number_id": pl.Int64, "caller_id": pl.Int64}, orient="row")
    return found.select(pl.col("number_id").cast(pl.UInt32), pl.col("caller_id").cast(pl.Int64))


def known_callers(cursor, center_id: int, callers: pl.DataFrame) -> pl.DataFrame:
    """(number_id, caller_id) of the callers of caller_table() that the center has already (found by digest)."""
    # in digest order: the callers' UNIQUE (center, digest) index is then probed in key order, not at a random leaf per
    # number
    param = "%s" if connection.vendor == "postgresql" and not isinstance(cursor, AdbcCursor) else "?"
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {Caller._meta.db_table} WHERE center_id = {param})", (center_id,))
    if not cursor.fetchone()[0]:  # the center's first import: no number is known
        return pl.DataFrame(schema={"number_id": pl.UInt32, "caller_id": pl.Int64})
    source, param = _temp_table(cursor, "kefu_caller_in", callers.select("number_id", "digest").sort("digest"))
    try:
        return _found(cursor, source, param, center_id)
    finally:
        cursor.execute(f"DROP TABLE {source}")


def store_callers(cursor, center_id: int, callers: pl.DataFrame) -> pl.DataFrame:
    """Find the callers of caller_table() that the center has already (by digest), encrypt only the others (Fernet,
    the library's public API, a fresh IV each) and store them; return (number_id, caller_id) of every one. `cursor`: a
    DB-API cursor of Django's connection (sqlite3 or psycopg), or an AdbcCursor (a direct_transaction)."""
    known = known_callers(cursor, center_id, callers)
    # stored in digest order: the callers' UNIQUE (center, digest) index is filled in key order
    new = callers.join(known, on="number_id", how="anti").sort("digest")
    if not new.height:
        return known
    new = new.with_columns(token=pl.Series(crypto.encrypt_many(new.get_column("number").to_list()), dtype=pl.Utf8))
    source, param = _temp_table(cursor, "kefu_caller_new", new.select("number_id", "digest", "token"))
    try:
        cursor.execute(caller_rows_sql(Caller._meta.db_table, source, param), (center_id,))
        added = _found(cursor, source, param, center_id)
    finally:
        cursor.execute(f"DROP TABLE {source}")
    return pl.concat([known, added])


def caller_ids(cursor, center_id: int, numbers: pl.Series) -> pl.DataFrame:
    """(number, caller_id) of every distinct caller number of an import: the callers the center has not yet are stored,
    each number encrypted once (caller_table, store_callers)."""
    callers = caller_table(numbers)
    if not callers.height:
        return pl.DataFrame(schema={"number": pl.Utf8, "caller_id": pl.Int64})
    ids = store_callers(cursor, center_id, callers)
    return callers.select("number_id", "number").join(ids, on="number_id", how="left").select("number", "caller_id")


def next_id(cur: AdbcCursor, table: str) -> int:
    """The first id an AUTOINCREMENT table of SQLite would give next: above every id it ever gave (sqlite_sequence) and
    every id it holds. Inside a direct_transaction (which holds the write lock from its start) nobody else takes ids
    meanwhile, so rows written with ids from here on are those AUTOINCREMENT would have written; SQLite moves the
    table's sqlite_sequence entry up to the largest id written."""
    seq = cur.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    top = cur.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    return max(seq[0] if seq else 0, top or 0) + 1


def direct_callers(cur: AdbcCursor, center_id: int, numbers: pl.Series) -> tuple[pl.DataFrame, pl.DataFrame]:
    """caller_ids in a direct_transaction, the new callers not yet stored: ((number, caller_id) of every distinct number,
    the new callers (caller_id, number, digest) in digest order), their ids given here (next_id) so that the calls can
    be written before the new numbers are encrypted (write_callers, once they are)."""
    callers = caller_table(numbers)
    if not callers.height:
        return (
            pl.DataFrame(schema={"number": pl.Utf8, "caller_id": pl.Int64}),
            pl.DataFrame(schema={"caller_id": pl.Int64, "number": pl.Utf8, "digest": pl.Utf8}),
        )
    known = known_callers(cur, center_id, callers)
    new = callers.join(known, on="number_id", how="anti").sort("digest")
    first = next_id(cur, Caller._meta.db_table) if new.height else 0
    new = new.with_columns(caller_id=pl.int_range(first, first + new.height, dtype=pl.Int64))
    ids = pl.concat([known, new.select("number_id", "caller_id")])
    return (
        callers.select("number_id", "number").join(ids, on="number_id", how="left").select("number", "caller_id"),
        new.select("caller_id", "number", "digest"),
    )


def write_callers(cur: AdbcCursor, center_id: int, new: pl.DataFrame, tokens: list[str]) -> None:
    """The new callers of direct_callers stored with their ids, each number as its Fernet token (`tokens`, in the same
    order). The UNIQUE (center, digest) index refuses a number stored twice: the whole import then rolls back."""
    if not new.height:
        return
    rows = pl.DataFrame(
        {
            "id": new.get_column("caller_id"),
            "center_id": pl.Series([center_id] * new.height, dtype=pl.Int64),
            "number": pl.Series(tokens, dtype=pl.Utf8),
            "number_digest": new.get_column("digest"),
        }
    )
    cur.cursor.adbc_ingest(Caller._meta.db_table, rows, mode="append")


# ---------------------------------------------------------------- calls


class Staffing:
    """staff_no -> (staff id, team id) of the center."""

    def __init__(self, center, rows: list[tuple] | None = None):
        """rows: (staff_no, id, team_id) of the center's staff read already (else read here)."""
        if rows is None:
            rows = Staff.objects.filter(center=center).values_list("staff_no", "id", "team_id")
        self.rows = {no: (pk, team) for no, pk, team in rows}

    @classmethod
    def read(cls, cursor: AdbcCursor, center) -> Staffing:
        """The center's staff read through a direct_transaction's cursor (inside its transaction)."""
        staff = Staff._meta
        return cls(
            center,
            cursor.execute(
                f"SELECT staff_no, id, {staff.get_field('team').column} FROM {staff.db_table} "
                f"WHERE {staff.get_field('center').column} = ?",
                (center.pk,),
            ).fetchall(),
        )

    def of(self, staff_no: str) -> tuple[int | None, int | None]:
        return self.rows.get(staff_no, (None, None))


def _preparer(center, batch_id: int, frame: pl.DataFrame, staffing: Staffing, callers: pl.DataFrame):
    """prepare(part): a part of a normalised call frame as the table's rows (lazy): staff and team joined, texts cut to
    their column widths, times as the backend stores them, and the caller: `callers` is (number, caller_id)."""
    staff_nos = frame.get_column("agent_staff_no").unique().to_list()
    staff = pl.DataFrame(
        {
            "agent_staff_no": staff_nos,
            "agent_id": [staffing.of(no)[0] for no in staff_nos],
            "team_id": [staffing.of(no)[1] for no in staff_nos],
        },
        schema={"agent_staff_no": pl.Utf8, "agent_id": pl.Int64, "team_id": pl.Int64},
    )
    pg = connection.vendor == "postgresql"

    def times(col: str) -> pl.Expr:
        e = pl.col(col)
        return (
            e if pg else e.dt.convert_time_zone("UTC").dt.replace_time_zone(None).dt.to_string("%Y-%m-%d %H:%M:%S%.f")
        )

    def prepare(part: pl.DataFrame) -> pl.LazyFrame:
        # the joins carry the key columns only; the looked-up ids are set beside the part after (a join that keeps the
        # left order moves every column it carries)
        found = (
            part.lazy()
            .select(pl.col("caller_number").fill_null(""), "agent_staff_no")
            .join(callers.lazy(), left_on="caller_number", right_on="number", how="left", maintain_order="left")
            .join(staff.lazy(), on="agent_staff_no", how="left", maintain_order="left")
            .select("caller_id", "agent_id", "team_id")
            .collect()
        )
        return pl.concat([part.lazy().drop("caller_number"), found.lazy()], how="horizontal").select(
            pl.lit(center.pk).alias("center_id"),
            pl.lit(batch_id).alias("batch_id"),
            pl.col("call_id").str.slice(0, 64),
            pl.col("queue").str.slice(0, 64),
            pl.col("call_type").str.slice(0, 40),
            "is_vip",
            "caller_id",
            times("offered_at").alias("offered_at"),
            "outcome",
            "requested_agent",
            "queued",
            times("answered_at").alias("answered_at"),
            "wait_seconds",
            "rings",
            "talk_seconds",
            "hold_seconds",
            "acw_seconds",
            "transferred",
            "transfer_kind",
            pl.col("transfer_target").str.slice(0, 80),
            pl.col("disposition").str.slice(0, 40),
            "first_call_resolved",
            pl.col("agent_staff_no").str.slice(0, 20),
            "agent_id",
            "team_id",
            times("ended_at").alias("ended_at"),
            pl.col("hangup_by") if "hangup_by" in frame.columns else pl.lit("").alias("hangup_by"),
        )

    return prepare


def insert_calls(
    center,
    batch_id: int,
    frame: pl.DataFrame,
    *,
    cursor: AdbcCursor | None = None,
    staffing: Staffing | None = None,
    batch_size: int = 5000,
    progress=None,
) -> int:
    """Store a normalised call frame of an import batch: its callers, then its calls (ON CONFLICT (center, call_id) DO
    NOTHING: call_ids the center has already are skipped). Returns the calls added. `cursor`: a direct_transaction's
    (SQLite), else Django's connection (inside the caller's transaction). `progress(n)`, when given, is told of every
    n rows written (or skipped)."""
    if not frame.height:
        return 0
    if cursor is not None:
        return _insert_direct(center, batch_id, frame, cursor, staffing or Staffing.read(cursor, center), progress)
    connection.ensure_connection()
    # the driver's own cursor: Django's debug wrapper would log every bound row
    raw = connection.connection.cursor()
    try:
        prepare = _preparer(
            center,
            batch_id,
            frame,
            staffing or Staffing(center),
            caller_ids(raw, center.pk, frame.get_column("caller_number")),
        )
        prepared = prepare(frame).collect()
        if connection.vendor == "postgresql":
            return _copy_postgresql(raw, prepared, progress)
        return _bound_sqlite(raw, prepared, batch_size, progress)
    finally:
        raw.close()


def _insert_direct(center, batch_id: int, frame: pl.DataFrame, cur: AdbcCursor, staffing: Staffing, progress) -> int:
    """insert_calls in a direct_transaction: the call_ids the center has already are left out first (new_calls), then
    the rows go in call_id order (the UNIQUE (center, call_id) index filled by appends), DIRECT_WRITE_ROWS at a time:
    while the driver writes one slice (it releases the GIL), this thread prepares the next and encrypts a share of the
    new callers (their ids are given first: direct_callers), which the writer thread stores after the slice
    (write_callers). The secondary indexes are built again after the rows when the import at least doubles the table
    (sqlite_indexes_to_rebuild), in the writer thread too, while this one encrypts the last share."""
    table = Call._meta.db_table
    rows_in_file = frame.height
    frame = new_calls(cur, table, center.pk, frame)
    if progress and frame.height < rows_in_file:
        progress(rows_in_file - frame.height)  # skipped: one step for them all
    if not frame.height:
        return 0
    ids, new = direct_callers(cur, center.pk, frame.get_column("caller_number"))
    prepare = _preparer(center, batch_id, frame, staffing, ids)
    del ids
    rebuild = sqlite_indexes_to_rebuild(cur, table, frame.height)
    for name, _ in rebuild:
        cur.execute(f'DROP INDEX "{name}"')
    order = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).sort_by("call_id", maintain_order=True)).to_series()
    first_id = next_id(cur, table)  # the ids given here, in call_id order as AUTOINCREMENT would (and with less work)

    def write(rows: pl.DataFrame) -> int:
        sql, varying = direct_statement(table, rows)
        cur.cursor.executemany(sql, rows.select(varying))  # bound from Arrow in C, the GIL released
        return cur.cursor.rowcount

    def build_indexes() -> None:
        for _, ddl in rebuild:
            cur.execute(ddl)

    def written(future, rows: int) -> int:
        added = future.result()
        if progress:
            progress(rows)
        return added

    step = DIRECT_WRITE_ROWS
    cuts = sorted({0, *range(min(step // 4, frame.height), frame.height, step), frame.height})
    slices = list(zip(cuts, cuts[1:]))
    # the new callers in a share per slice written and one more for the index build: each share encrypted here while
    # the writer thread writes a slice, then written by it after that slice
    share = -(-new.height // (len(slices) + 1)) or 1
    shares = iter(range(0, new.height, share))

    def encrypted_share() -> tuple[pl.DataFrame, list[str]] | None:
        at = next(shares, None)
        if at is None:
            return None
        part = new.slice(at, share)
        return part, crypto.encrypt_many(part.get_column("number").to_list())

    created = 0
    with ThreadPoolExecutor(1) as pool:
        stored = []
        pending = None
        for lo, hi in slices:
            rows = (
                prepare(frame.select(pl.all().gather(order.slice(lo, hi - lo))))
                .select(pl.int_range(first_id + lo, first_id + hi, dtype=pl.Int64).alias("id"), pl.all())
                .collect()
            )
            if pending is not None:
                created += written(*pending)
            pending = pool.submit(write, rows), rows.height
            del rows
            if (part := encrypted_share()) is not None:
                stored.append(pool.submit(write_callers, cur, center.pk, *part))
        built = pool.submit(build_indexes)  # after the last slice
        while (part := encrypted_share()) is not None:
            stored.append(pool.submit(write_callers, cur, center.pk, *part))
        if pending is not None:
            created += written(*pending)
        built.result()
        for future in stored:
            future.result()
    return created


def _copy_postgresql(cursor, prepared: pl.DataFrame, progress) -> int:
    """COPY of the rows written as CSV into a temp table, then one INSERT ... SELECT ... ON CONFLICT DO NOTHING."""
    table, cols = Call._meta.db_table, ", ".join(CALL_COLUMNS)
    cursor.execute(f"CREATE TEMP TABLE kefu_call_in AS SELECT {cols} FROM {table} WITH NO DATA")
    with cursor.copy(f"COPY kefu_call_in ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
        for i in range(0, prepared.height, DIRECT_WRITE_ROWS):
            part = prepared.slice(i, DIRECT_WRITE_ROWS)
            copy.write(part.write_csv(include_header=False, null_value="\\N").encode())
            if progress:
                progress(part.height)
    cursor.execute(
        f"INSERT INTO {table} ({cols}) SELECT {cols} FROM kefu_call_in ON CONFLICT (center_id, call_id) DO NOTHING"
    )
    created = cursor.rowcount
    cursor.execute("DROP TABLE kefu_call_in")
    return created


def _bound_sqlite(cursor, prepared: pl.DataFrame, batch_size: int, progress) -> int:
    """executemany() on Django's SQLite connection, with a bigger page cache meanwhile and the secondary indexes built
    again when the import at least doubles the table."""
    table = Call._meta.db_table
    cache_size = cursor.execute("PRAGMA cache_size").fetchone()[0]
    cursor.execute(f"PRAGMA cache_size = {-SQLITE_IMPORT_CACHE_KIB}")
    try:
        rebuild = sqlite_indexes_to_rebuild(cursor, table, prepared.height)
        for name, _ in rebuild:
            cursor.execute(f'DROP INDEX "{name}"')
        created = sqlite_insert_bound(cursor, table, prepared, batch_size, progress)
        for _, ddl in rebuild:
            cursor.execute(ddl)
    finally:
        cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    return created

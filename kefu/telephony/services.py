"""Importing call data. Each import is one transaction: a bad line changes nothing; the same file twice adds nothing."""
from __future__ import annotations

import codecs
import hashlib
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter
from zoneinfo import ZoneInfo

import polars as pl
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kefu.audit import crypto as audit_crypto
from kefu.errors import Problem, RuleViolation
from kefu.org.models import Center, Staff
from kefu.org.policy import policy_for
from kefu.telephony import csv_import, queue_log
try:  # optional: the fast SQLite insert (see _Stage)
    import adbc_driver_sqlite.dbapi as _adbc_sqlite
except ImportError:  # pragma: no cover - depends on the installation
    _adbc_sqlite = None

from kefu.telephony.models import AgentPause, AgentSession, Call, ImportBatch, PendingLine, ScheduledShift

MAX_SHOWN_ERRORS = 200

CALL_COLUMNS = ["center_id", "batch_id", "call_id", "queue", "call_type", "is_vip", "caller_number", "caller_digest", "offered_at",
                "outcome", "requested_agent", "queued", "answered_at", "wait_seconds", "rings", "talk_seconds", "hold_seconds",
                "acw_seconds", "transferred", "transfer_kind", "transfer_target", "disposition", "first_call_resolved",
                "agent_staff_no", "agent_id", "team_id", "ended_at", "hangup_by"]


@dataclass
class ImportOutcome:
    batch: ImportBatch
    duplicate: bool = False  # the same file was imported before: nothing added
    calls_in_file: int = 0
    calls_created: int = 0
    skipped_existing: int = 0  # call_ids already stored (overlapping exports)
    sessions: int = 0
    pauses: int = 0
    pending: int = 0
    notes: list[str] = field(default_factory=list)
    # earliest and latest time the rows added touch (offered_at of the calls, start/end of sessions and pauses): the days
    # refresh_kpis recomputes. When some calls were skipped (already stored) the calls' span is the file's, a superset:
    # recomputing a day whose calls did not change writes the same rollups.
    first_at: datetime | None = None
    last_at: datetime | None = None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _existing(sha: str) -> ImportOutcome | None:
    batch = ImportBatch.objects.filter(sha256=sha).first()
    return ImportOutcome(batch=batch, duplicate=True) if batch else None


def _violation(errors: list, total: int, what: str) -> RuleViolation:
    problems = [Problem("file", f"telephony.{what}", str(e)) for e in errors[:MAX_SHOWN_ERRORS]]
    if total > len(problems):
        problems.append(Problem("file", f"telephony.{what}", f"……另有 {total - len(problems)} 处错误未列出"))
    return RuleViolation.many(problems)


class _Staffing:
    """staff_no -> (staff id, team id) of the center."""

    def __init__(self, center: Center, rows: list[tuple] | None = None):
        """rows: (staff_no, id, team_id) of the center's staff read already (else read here)."""
        if rows is None:
            rows = Staff.objects.filter(center=center).values_list("staff_no", "id", "team_id")
        self.rows = {no: (pk, team) for no, pk, team in rows}

    def of(self, staff_no: str) -> tuple[int | None, int | None]:
        return self.rows.get(staff_no, (None, None))


class _Callers:
    """Caller numbers -> (Fernet token, keyed digest) as a frame (number, token, digest) that grows slice by slice of an
    import: add() encrypts the numbers not seen yet (each distinct number once per import: the digest already reveals
    equality) and returns the whole table, in no particular order; '' -> ('', ''). Tokens held in Arrow buffers, not one
    Python str each (1M calls: ~490,000 callers, ~100 MB against ~250 MB in a dict of tuples), and no Python work per
    number already known. The bulk helpers of kefu.audit.crypto write exactly what encrypt()/digest() write
    (tests/test_import.py checks that audit's decrypt() reads them and that the digests are equal)."""

    def __init__(self):
        self.known = pl.DataFrame({"number": [""], "token": [""], "digest": [""]})

    def add(self, numbers: pl.Series) -> pl.DataFrame:
        todo = (numbers.fill_null("").unique().to_frame("number").join(self.known.select("number"), on="number", how="anti")
                .get_column("number").to_list())
        if todo:
            self.known = pl.concat([self.known, pl.DataFrame({"number": todo, "token": audit_crypto.encrypt_many(todo),
                                                              "digest": audit_crypto.digest_many(todo)},
                                                             schema={"number": pl.Utf8, "token": pl.Utf8, "digest": pl.Utf8})],
                                   rechunk=False)
        return self.known


# SQLite page cache during a call import (KiB): the secondary indexes of a month of calls stay in memory instead of being
# re-read and re-written page by page (2 MB default); given back when the import ends.
SQLITE_IMPORT_CACHE_KIB = 262_144
# ... and for _import_csv_direct, which writes the table and its UNIQUE index in key order (appends) and builds the other
# index by one sort: measured at 1M calls, 64 MB as fast as 256 MB, and 170 MB less peak memory
SQLITE_DIRECT_CACHE_KIB = 65_536


def _sql_literal(value) -> str | None:
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


def _sqlite_statement(table: str, chunk: pl.DataFrame) -> tuple[str, list[pl.Expr]]:
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
        literal = _sql_literal(col[0]) if n == 1 and name != "call_id" else None
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
        values.append(f"NULLIF(?, {_sql_literal(sentinel)})")
        binds.append(expr.fill_null(sentinel))
    sql = (f"INSERT INTO {table} ({', '.join(chunk.columns)}) VALUES ({', '.join(values)}) "
           f"ON CONFLICT (center_id, call_id) DO NOTHING")
    return sql, binds


SQLITE_REBUILD_MIN_ROWS = 100_000


def _sqlite_indexes_to_rebuild(cursor, table: str, rows: int) -> list[tuple[str, str]]:
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


def _sqlite_insert_bound(cursor, table: str, prepared: pl.DataFrame, batch_size: int, progress=None) -> int:
    """executemany of each chunk's varying columns on the driver's cursor (4x less CPU than json_each(), measured)."""
    created = 0
    for i in range(0, prepared.height, batch_size):
        chunk = prepared.slice(i, batch_size)
        sql, binds = _sqlite_statement(table, chunk)
        cursor.executemany(sql, chunk.select(binds).rows())
        created += cursor.rowcount  # rows ignored by ON CONFLICT count 0
        if progress:
            progress(chunk.height)
    return created


# rows per INSERT ... SELECT from the staging file (one progress step each), and per write to it
SQLITE_STAGED_CHUNK = 50_000
STAGE_WRITE_ROWS = 200_000
STAGE_ALIAS = "kefu_stage"


class _Stage:
    """Where an import on SQLite stages its calls, when the ADBC SQLite driver is installed (measured on 200,000 calls:
    0.7 s CPU to write them through Arrow, values bound in C, and 0.7 s to copy them in, against 3.5 s for executemany()
    binding each value from Python).

    Use around the import's transaction: `with _Stage() as stage, transaction.atomic(): ...` (see _insert_staged).
    write() puts frames with the driver into a scratch database file of its own; copy() has Django's connection ATTACH it
    and copy the rows with INSERT ... SELECT in rowid order, on the import's own connection and in its transaction (all
    or nothing holds). SQLite keeps an attached file read in a transaction until that transaction ends, so it is
    DETACHed when the `with` ends, after the transaction. Hence `usable` only when no transaction is open yet (otherwise
    the rows are bound by executemany(), the same rows). The scratch file holds what the table will hold (callers as
    Fernet tokens and digests, never in clear) and is deleted at the end."""

    def __init__(self):
        self.folder: str | None = None
        self.attached = False

    def __enter__(self) -> "_Stage":
        if _adbc_sqlite is not None and connection.vendor == "sqlite" and not connection.in_atomic_block:
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
        with _adbc_sqlite.connect(os.path.join(self.folder, "stage.sqlite3")) as conn:
            with conn.cursor() as cur:
                cur.adbc_ingest(name, frame, mode="append" if append else "create")
            conn.commit()

    def copy(self, cursor, table: str, columns: list[str], select: list[str], source: str, rows: int, batch_size: int,
             progress=None) -> int:
        """INSERT INTO table (columns) SELECT select FROM source (its calls aliased c, read in rowid order, chunk by chunk:
        one progress step each) ON CONFLICT DO NOTHING, on Django's connection; returns the rows added."""
        if not self.attached:
            cursor.execute(f"ATTACH DATABASE ? AS {STAGE_ALIAS}", [os.path.join(self.folder, "stage.sqlite3")])
            self.attached = True
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


def _insert_calls(prepared: pl.DataFrame | None, batch_size: int, progress=None, staged=None, rows: int | None = None) -> int:
    """INSERT ... ON CONFLICT DO NOTHING (call_id is unique per center), without a Python object per value; returns the
    rows added. PostgreSQL: COPY of the frame written as CSV into a temp table, then one INSERT ... SELECT;
    SQLite: `staged(cursor)` when given (the rows are in a _Stage: _insert_staged), else executemany()
    (_sqlite_insert_bound). `rows`: how many (when `prepared` is None)."""
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
                rebuild = _sqlite_indexes_to_rebuild(cursor, table, rows)
                for name, _ in rebuild:
                    cursor.execute(f'DROP INDEX "{name}"')
                if staged is not None:
                    created = staged(cursor)
                else:
                    created = _sqlite_insert_bound(cursor, table, prepared, batch_size, progress)
                for _, ddl in rebuild:
                    cursor.execute(ddl)
            finally:
                cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
    finally:
        cursor.close()
    return created


def _new_batch(center, kind, file_name, sha, rows, user) -> ImportBatch:
    try:
        with transaction.atomic():
            return ImportBatch.objects.create(center=center, kind=kind, file_name=file_name[:255], sha256=sha, rows=rows,
                                              imported_by=user if user is not None and user.is_authenticated else None)
    except IntegrityError:  # the same file, imported by someone else a moment ago
        raise _Duplicate() from None


class _Duplicate(Exception):
    pass


def import_queue_log(center: Center, *, file_name: str, data: bytes, user=None, progress=None) -> ImportOutcome:
    """Import an Asterisk queue_log file (all or nothing). Calls left open are kept and finished by the next file."""
    sha = _sha256(data)
    if (dup := _existing(sha)) is not None:
        return dup
    lines = _lines(data)
    pol = policy_for("telephony", center)
    tz = ZoneInfo(center.time_zone)
    try:
        with _Stage() as stage, transaction.atomic():
            Center.objects.select_for_update().filter(pk=center.pk).first()  # one import per center at a time (pending lines)
            carry = list(PendingLine.objects.filter(center=center).order_by("seq").values_list("line", flat=True))
            frames = []  # finished calls, 100,000 at a time, as columns (a ParsedCall object each would be ~1 KB)
            try:
                parsed = queue_log.parse(lines if progress is None else progress(lines), tz=tz, carry=carry,
                                         agent_map=pol.get("agent_map") or None,
                                         legacy_transfer_kind=pol["legacy_transfer_kind"],
                                         ring_cycle_seconds=pol["ring_cycle_seconds"],
                                         on_calls=lambda calls: frames.append(_calls_frame(calls)))
            except queue_log.QueueLogError as exc:
                raise _violation(exc.errors, len(exc.errors), "queue_log") from None
            calls = pl.concat(frames, rechunk=False) if frames else _calls_frame([])
            del frames
            batch = _new_batch(center, ImportBatch.Kind.QUEUE_LOG, file_name, sha, parsed.rows, user)
            created = _insert_frame(center, batch, calls, pol["batch_size"], stage=stage)
            staffing = _Staffing(center)
            AgentSession.objects.bulk_create(
                [AgentSession(center=center, batch=batch, agent_staff_no=s.agent_staff_no[:20], agent_id=staffing.of(s.agent_staff_no)[0],
                              queue=s.queue[:64], start=s.start, end=s.end) for s in parsed.sessions], batch_size=pol["batch_size"])
            AgentPause.objects.bulk_create(
                [AgentPause(center=center, batch=batch, agent_staff_no=p.agent_staff_no[:20], agent_id=staffing.of(p.agent_staff_no)[0],
                            queue=p.queue[:64], start=p.start, end=p.end, reason=p.reason[:80]) for p in parsed.pauses],
                batch_size=pol["batch_size"])
            PendingLine.objects.filter(center=center).delete()
            PendingLine.objects.bulk_create([PendingLine(center=center, seq=i, line=ln) for i, ln in enumerate(parsed.pending)])
            ImportBatch.objects.filter(pk=batch.pk).update(calls=created, sessions=len(parsed.sessions), pauses=len(parsed.pauses),
                                                           pending=len(parsed.pending))
            batch.refresh_from_db()
    except _Duplicate:
        return _existing(sha)
    spans = [(s.start, s.end) for s in parsed.sessions] + [(p.start, p.end) for p in parsed.pauses]
    return ImportOutcome(batch=batch, calls_in_file=calls.height, calls_created=created,
                         skipped_existing=calls.height - created, sessions=len(parsed.sessions), pauses=len(parsed.pauses),
                         pending=len(parsed.pending), **_span(calls if created else None, spans))


LINES_BLOCK = 1 << 22


def _lines(data: bytes):
    """The file's lines, decoded lazily block by block (blocks end after a newline, which is never part of a multi-byte
    character in UTF-8 or GB18030): the same lines as decoding the whole file and splitlines(), without a str of the whole file
    (2 bytes a character once there is Chinese in it) or a list of every line. The encoding is checked first, in full:
    UTF-8 (a BOM is skipped), else GB18030, else RuleViolation."""
    encoding = _encoding(data)
    start = len(codecs.BOM_UTF8) if encoding == "utf-8" and data.startswith(codecs.BOM_UTF8) else 0

    def lines():
        pos = start
        while pos < len(data):
            cut = data.find(b"\n", pos + LINES_BLOCK)
            end = len(data) if cut < 0 else cut + 1
            yield from data[pos:end].decode(encoding).splitlines()
            pos = end

    return lines()


def _encoding(data: bytes) -> str:
    view = memoryview(data)
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for i in range(0, len(view), 1 << 23):
                decoder.decode(view[i:i + (1 << 23)])
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise RuleViolation("文件不是 UTF-8 或 GB18030 编码的文本", field="file", rule="telephony.encoding")


def import_csv(center: Center, *, file_name: str, data: bytes, mapping: dict | None = None, user=None,
               progress=None) -> ImportOutcome:
    """Import a call CSV read through a column mapping (see csv_import). All or nothing; the same file twice adds nothing.

    `progress(n)`, when given, is called after each batch of n rows is written."""
    sha = _sha256(data)
    if (dup := _existing(sha)) is not None:
        return dup
    try:
        frame = csv_import.read_calls(data, mapping, time_zone=center.time_zone)
    except csv_import.CsvImportError as exc:
        raise _violation(exc.errors, exc.total, "csv") from None
    pol = policy_for("telephony", center)
    if _direct_usable() and frame.height:
        try:
            batch_id, created = _import_csv_direct(center, frame, file_name=file_name, sha=sha, user=user, progress=progress)
        except _Duplicate:
            return _existing(sha)
        return ImportOutcome(batch=ImportBatch.objects.get(pk=batch_id), calls_in_file=frame.height, calls_created=created,
                             skipped_existing=frame.height - created, **_span(frame if created else None, []))
    try:
        with _Stage() as stage, transaction.atomic():
            batch = _new_batch(center, ImportBatch.Kind.CSV, file_name, sha, frame.height, user)
            created = _insert_frame(center, batch, frame, pol["batch_size"], progress, stage)
            ImportBatch.objects.filter(pk=batch.pk).update(calls=created)
            batch.refresh_from_db()
    except _Duplicate:
        return _existing(sha)
    return ImportOutcome(batch=batch, calls_in_file=frame.height, calls_created=created, skipped_existing=frame.height - created,
                         **_span(frame if created else None, []))


def _span(calls: pl.DataFrame | None, intervals: list[tuple[datetime, datetime]]) -> dict:
    """first_at/last_at of an ImportOutcome: the calls' offered_at (None: no call added) and the (start, end) intervals."""
    los = [start for start, _ in intervals]
    his = [end for _, end in intervals]
    if calls is not None and calls.height:
        lo, hi = calls.select(pl.col("offered_at").min().alias("lo"), pl.col("offered_at").max().alias("hi")).row(0)
        if lo is not None:
            los.append(lo)
            his.append(hi)
    return {"first_at": min(los), "last_at": max(his)} if los else {}


_EPOCH = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
_MICROSECOND = timedelta(microseconds=1)


def _calls_frame(calls: list[queue_log.ParsedCall]) -> pl.DataFrame:
    """Parsed calls as the normalised frame the CSV reader also produces. Times go in as integer microseconds since the
    epoch (Polars converts aware datetime objects one by one, ~4 µs each: most of this function's time otherwise)."""
    kinds = {"str": pl.Utf8, "transfer": pl.Utf8, "outcome": pl.Utf8, "datetime": pl.Datetime("us", "UTC"), "float": pl.Float64,
             "int": pl.Int64, "bool": pl.Boolean, "bool_or_null": pl.Boolean}
    schema = {f: kinds[k] for f, k in csv_import.FIELDS.items()} | {"hangup_by": pl.Utf8}
    columns = {}
    for f, dtype in schema.items():
        values = list(map(attrgetter(f), calls))
        if dtype == pl.Datetime("us", "UTC"):
            micros = [None if v is None else (v - _EPOCH) // _MICROSECOND for v in values]
            columns[f] = pl.Series(f, micros, dtype=pl.Int64).cast(dtype)
        else:
            columns[f] = pl.Series(f, values, dtype=dtype)
    return pl.DataFrame(columns)


def _preparer(center: Center, batch_id: int, frame: pl.DataFrame, staffing: _Staffing | None = None):
    """prepare(part, callers, caller_columns): a part of a normalised call frame as the table's rows (lazy): staff and
    team joined, texts cut to their column widths, times as the backend stores them, the caller columns given."""
    staffing = staffing or _Staffing(center)
    staff_nos = frame.get_column("agent_staff_no").unique().to_list()
    staff = pl.DataFrame({"agent_staff_no": staff_nos, "agent_id": [staffing.of(no)[0] for no in staff_nos],
                          "team_id": [staffing.of(no)[1] for no in staff_nos]},
                         schema={"agent_staff_no": pl.Utf8, "agent_id": pl.Int64, "team_id": pl.Int64})
    pg = connection.vendor == "postgresql"

    def times(col: str) -> pl.Expr:
        e = pl.col(col)
        return e if pg else e.dt.convert_time_zone("UTC").dt.replace_time_zone(None).dt.to_string("%Y-%m-%d %H:%M:%S%.f")

    def prepare(part: pl.DataFrame, callers: pl.DataFrame, caller_columns: list) -> pl.LazyFrame:
        # the joins carry the two key columns and the callers' row numbers only; the callers' values are gathered by row
        # and set beside the part after: a join that keeps the left order moves every column it carries (1M calls:
        # 1.6 s CPU with the whole part and the callers' tokens through both joins, 0.9 s so)
        found = (part.lazy().select(pl.col("caller_number").fill_null(""), "agent_staff_no")
                 .join(callers.select("number").with_row_index("_caller").lazy(), left_on="caller_number", right_on="number",
                       how="left", maintain_order="left")
                 .join(staff.lazy(), on="agent_staff_no", how="left", maintain_order="left")
                 .collect())
        looked = pl.concat([callers.drop("number").select(pl.all().gather(found.get_column("_caller"))),
                            found.select("agent_id", "team_id")], how="horizontal")
        return (
            pl.concat([part.lazy(), looked.lazy()], how="horizontal")
            .select(
                pl.lit(center.pk).alias("center_id"), pl.lit(batch_id).alias("batch_id"),
                pl.col("call_id").str.slice(0, 64), pl.col("queue").str.slice(0, 64), pl.col("call_type").str.slice(0, 40), "is_vip",
                *caller_columns,
                times("offered_at").alias("offered_at"), "outcome", "requested_agent", "queued", times("answered_at").alias("answered_at"),
                "wait_seconds", "rings", "talk_seconds", "hold_seconds", "acw_seconds", "transferred", "transfer_kind",
                pl.col("transfer_target").str.slice(0, 80), pl.col("disposition").str.slice(0, 40), "first_call_resolved",
                pl.col("agent_staff_no").str.slice(0, 20), "agent_id", "team_id", times("ended_at").alias("ended_at"),
                pl.col("hangup_by") if "hangup_by" in frame.columns else pl.lit("").alias("hangup_by"),
            )
        )

    return prepare


def _insert_frame(center: Center, batch: ImportBatch, frame: pl.DataFrame, batch_size: int, progress=None,
                  stage: _Stage | None = None) -> int:
    """Vectorised preparation of a normalised call frame, then one bulk insert. Returns the calls added."""
    prepare = _preparer(center, batch.pk, frame)
    if stage is not None and stage.usable and frame.height:
        return _insert_staged(center, batch, frame, prepare, stage, batch_size, progress)
    numbers = _Callers().add(frame.get_column("caller_number"))
    prepared = prepare(frame, numbers, [pl.col("token").alias("caller_number"), pl.col("digest").alias("caller_digest")]).collect()
    return _insert_calls(prepared, batch_size, progress)


def _insert_staged(center, batch, frame: pl.DataFrame, prepare, stage: _Stage, batch_size: int, progress=None) -> int:
    """The SQLite import through a _Stage, in two threads (2 cores): a worker prepares the calls, each with the number of
    its caller in a table of distinct callers, and writes them to the scratch file (Polars and the ADBC driver release
    the GIL), while this thread encrypts and digests the distinct callers (Python: holds the GIL). The callers' table is
    written next, then Django's connection copies the calls in, joined to their caller's token and digest, center and
    batch as literals. Only tokens and digests reach the scratch file, never a number in clear."""
    numbers = frame.lazy().select(pl.col("caller_number").fill_null("").unique().alias("number")).collect().with_row_index("number_id")

    def write_calls():  # a slice at a time: the prepared rows of a month (times as text) need not be in memory at once
        # staged in call_id order (stable: of two equal call_ids the file's first is copied first and kept), so that the copy
        # inserts into the UNIQUE (center, call_id) index in key order, not at a random leaf per row
        order = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).sort_by("call_id", maintain_order=True)).to_series()
        for i in range(0, frame.height, STAGE_WRITE_ROWS):
            rows = order.slice(i, STAGE_WRITE_ROWS)
            part = prepare(frame.select(pl.all().gather(rows)), numbers, [pl.col("number_id")]).drop("center_id", "batch_id")
            stage.write("calls", part.collect(), append=i > 0)

    with ThreadPoolExecutor(1) as pool:
        written = pool.submit(write_calls)
        callers = (numbers.join(_Callers().add(numbers.get_column("number")), on="number", how="left", maintain_order="left")
                   .select("token", "digest"))  # in number_id order
        written.result()
    stage.write("callers", callers)
    del callers
    literals = {"center_id": str(int(center.pk)), "batch_id": str(int(batch.pk)), "caller_number": "n.token", "caller_digest": "n.digest"}
    select = [literals.get(name, f"c.{name}") for name in CALL_COLUMNS]
    source = f"{STAGE_ALIAS}.calls AS c JOIN {STAGE_ALIAS}.callers AS n ON n.rowid = c.number_id + 1"
    return _insert_calls(None, batch_size, progress, rows=frame.height,
                         staged=lambda cursor: stage.copy(cursor, Call._meta.db_table, CALL_COLUMNS, select, source, frame.height,
                                                          batch_size, progress))


class _AdbcCursor:
    """The sqlite3-cursor calls the import makes (execute, fetchone, fetchall), on a cursor of the ADBC driver, whose own
    fetch*() need pyarrow: rows are read through Polars from the driver's Arrow stream."""

    def __init__(self, cursor):
        self.cursor = cursor

    def execute(self, sql: str, params=None) -> "_AdbcCursor":
        if params is None:
            self.cursor.execute(sql)
        else:
            self.cursor.execute(sql, params)
        return self

    def fetchall(self) -> list[tuple]:
        return pl.DataFrame(self.cursor.fetch_arrow()).rows()

    def fetchone(self) -> tuple | None:
        rows = self.fetchall()
        return rows[0] if rows else None


def _sqlite_file() -> str | None:
    """The file of Django's SQLite database, when another connection (the ADBC driver's) can open it: not an in-memory one."""
    name = str(connection.settings_dict["NAME"])
    return None if name == ":memory:" or "mode=memory" in name or name.startswith("file:") else name


def _direct_usable() -> bool:
    return (_adbc_sqlite is not None and connection.vendor == "sqlite" and not connection.in_atomic_block
            and _sqlite_file() is not None)


def _import_csv_direct(center: Center, frame: pl.DataFrame, *, file_name: str, sha: str, user, path: str | None = None,
                       progress=None) -> tuple[int, int]:
    """The CSV import on SQLite in one transaction of a connection of the ADBC driver (values bound in C from Arrow),
    straight into the calls table: no scratch file, no second write of every row (1M calls: staging 3.0 s CPU + copy
    4.7 s, against 5.0 s here). The batch row, the calls, the index rebuild and the batch's count are in that one
    transaction (BEGIN IMMEDIATE: the write lock first, as Django's own transactions here), so all or nothing holds as
    with Django's connection, which must have no transaction open (the caller checks: _direct_usable).

    Idempotent: the sha256 is UNIQUE (raises _Duplicate); call_ids already stored for the center (read inside the
    transaction) and a second row whose call_id cut to 64 characters repeats an earlier one are left out, as ON
    CONFLICT DO NOTHING leaves them in the other paths. Rows go in call_id order (the UNIQUE index filled in key order),
    200,000 at a time: while the driver writes one slice (it releases the GIL), this thread encrypts the callers of
    the next (Python; the first slice is 50,000 rows, so that the driver starts sooner). Caller numbers reach the
    database only as Fernet tokens and digests. Returns (batch id, added)."""
    path = path or _sqlite_file()
    table, batches = Call._meta.db_table, ImportBatch._meta.db_table
    connection.ensure_connection()
    # the durability and lock wait of Django's own connection (settings: synchronous NORMAL under WAL, else SQLite's
    # FULL) and the import's page cache. Foreign keys are not checked row by row (4 parent lookups a call, ~0.7 s CPU
    # at 1M): every parent is read inside this transaction instead (center, user, the center's staff and their teams),
    # and the write lock it holds from its start keeps them there until it commits.
    pragmas = {name: connection.connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("synchronous", "busy_timeout")}
    pragmas |= {"foreign_keys": 0, "cache_size": -SQLITE_DIRECT_CACHE_KIB}
    conn = _adbc_sqlite.connect(path, autocommit=True)
    try:
        cur = _AdbcCursor(conn.cursor())
        for name, value in pragmas.items():
            cur.execute(f"PRAGMA {name} = {int(value)}")
        cur.execute("BEGIN IMMEDIATE")
        try:
            user_id = user.pk if user is not None and user.is_authenticated else None
            parents = [(Center, center.pk)] + ([(type(user), user_id)] if user_id is not None else [])
            for model, pk in parents:
                if cur.execute(f"SELECT count(*) FROM {model._meta.db_table} WHERE {model._meta.pk.column} = ?", (pk,)).fetchone()[0] != 1:
                    raise IntegrityError(f"{model._meta.label} {pk} 已不存在")
            staff = Staff._meta
            staffing = _Staffing(center, cur.execute(f"SELECT staff_no, id, {staff.get_field('team').column} FROM {staff.db_table} "
                                                     f"WHERE {staff.get_field('center').column} = ?", (center.pk,)).fetchall())
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            row = pl.DataFrame({"center_id": [center.pk], "kind": [ImportBatch.Kind.CSV.value], "file_name": [file_name[:255]],
                                "sha256": [sha], "rows": [frame.height], "imported_at": [now], "imported_by_id": [user_id]},
                               schema={"center_id": pl.Int64, "kind": pl.Utf8, "file_name": pl.Utf8, "sha256": pl.Utf8, "rows": pl.Int64,
                                       "imported_at": pl.Utf8, "imported_by_id": pl.Int64})
            try:
                cur.execute(f"INSERT INTO {batches} (center_id, kind, file_name, sha256, rows, calls, sessions, pauses, pending, "
                            f"imported_at, imported_by_id) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?, ?)", row)
            except _adbc_sqlite.IntegrityError:
                raise _Duplicate() from None
            batch_id = cur.execute("SELECT last_insert_rowid()").fetchone()[0]
            rows_in_file = frame.height
            frame = _new_calls(cur, table, center.pk, frame)
            if progress and frame.height < rows_in_file:
                progress(rows_in_file - frame.height)  # skipped: one step for them all
            prepare = _preparer(center, batch_id, frame, staffing)
            created = 0
            rebuild = _sqlite_indexes_to_rebuild(cur, table, frame.height)
            for name, _ in rebuild:
                cur.execute(f'DROP INDEX "{name}"')
            order = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).sort_by("call_id", maintain_order=True)).to_series()
            callers = _Callers()

            def write(rows: pl.DataFrame) -> int:
                return cur.cursor.adbc_ingest(table, rows, mode="append")

            def written(future, rows: int) -> int:
                added = future.result()
                if progress:
                    progress(rows)
                return added

            cuts = sorted({0, *range(min(STAGE_WRITE_ROWS // 4, frame.height), frame.height, STAGE_WRITE_ROWS), frame.height})
            with ThreadPoolExecutor(1) as pool:
                pending = None
                for lo, hi in zip(cuts, cuts[1:]):
                    part = frame.select(pl.all().gather(order.slice(lo, hi - lo)))
                    rows = prepare(part, callers.add(part.get_column("caller_number")),
                                   [pl.col("token").alias("caller_number"), pl.col("digest").alias("caller_digest")]).collect()
                    del part
                    if pending is not None:
                        created += written(*pending)
                    pending = pool.submit(write, rows), rows.height
                    del rows
                if pending is not None:
                    created += written(*pending)
            del order, callers
            for _, ddl in rebuild:
                cur.execute(ddl)
            cur.execute(f"UPDATE {batches} SET calls = ? WHERE id = ?", (created, batch_id))
            cur.execute("COMMIT")
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except _adbc_sqlite.Error:  # SQLite rolled back already (some errors end the transaction themselves)
                pass
            raise
    finally:
        conn.close()
    return batch_id, created


def _new_calls(cur, table: str, center_id: int, frame: pl.DataFrame) -> pl.DataFrame:
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


def refresh_kpis(outcome: ImportOutcome) -> int:
    """After an import from the CLI, the page or the API: recompute the KPI rollups of the local days it touched.

    Kept out of import_* so that benchmarks and bulk loads (demo, kpi's bench) time and batch the import alone.
    Returns the rollup rows written (0 when kefu.kpi is not installed or nothing was added).
    """
    from django.apps import apps

    if outcome.duplicate or outcome.first_at is None or not apps.is_installed("kefu.kpi"):
        return 0
    from kefu.kpi import services as kpi_services

    batch = outcome.batch  # the span comes with the outcome: no query of the calls by batch (no index on Call.batch)
    tz = ZoneInfo(batch.center.time_zone)
    first, last = outcome.first_at.astimezone(tz).date(), outcome.last_at.astimezone(tz).date()
    return kpi_services.refresh_rollups(batch.center, first, last)


def add_scheduled_shifts(center: Center, shifts: list[tuple[str, datetime, datetime]], batch: ImportBatch | None = None) -> int:
    """Scheduled on-phone spans (staff_no, start, end) for 实际工作率 (004:L1345). Rejects an end not after its start."""
    bad = [Problem("shifts", "telephony.shift", f"第{i}个班次：工号 {no} 的结束时间必须晚于开始时间")
           for i, (no, start, end) in enumerate(shifts, start=1) if not end > start]
    if bad:
        raise RuleViolation.many(bad)
    staffing = _Staffing(center)
    with transaction.atomic():
        rows = ScheduledShift.objects.bulk_create(
            [ScheduledShift(center=center, batch=batch, agent_staff_no=no[:20], agent_id=staffing.of(no)[0], start=start, end=end)
             for no, start, end in shifts], batch_size=5000)
    return len(rows)


def delete_batch(batch: ImportBatch) -> None:
    """Remove an import and everything it added (to re-import a corrected file)."""
    with transaction.atomic():
        batch.delete()


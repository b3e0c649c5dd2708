"""Importing call data. Each import is one transaction: a bad line changes nothing; the same file twice adds nothing."""
from __future__ import annotations

import codecs
import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from operator import attrgetter
from zoneinfo import ZoneInfo

import polars as pl
from django.db import IntegrityError, connection, transaction

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

    def __init__(self, center: Center):
        self.rows = {no: (pk, team) for no, pk, team in Staff.objects.filter(center=center).values_list("staff_no", "id", "team_id")}

    def of(self, staff_no: str) -> tuple[int | None, int | None]:
        return self.rows.get(staff_no, (None, None))


class _Cipher:
    """Caller numbers -> (Fernet token, keyed digest), each distinct number encrypted once per import (the digest already
    reveals equality). The bulk helpers of kefu.audit.crypto write exactly what encrypt()/digest() write
    (tests/test_import.py checks that audit's decrypt() reads them and that the digests are equal)."""

    def __init__(self):
        self.cache: dict[str, tuple[str, str]] = {}

    def table(self, numbers: list[str]) -> pl.DataFrame:
        """Distinct numbers -> frame (number, token, digest); '' -> ('', '')."""
        todo = [n for n in dict.fromkeys(numbers) if n and n not in self.cache]
        for n, token, dig in zip(todo, audit_crypto.encrypt_many(todo), audit_crypto.digest_many(todo)):
            self.cache[n] = (token, dig)
        pairs = [self(n) for n in numbers]
        return pl.DataFrame({"number": numbers, "token": [p[0] for p in pairs], "digest": [p[1] for p in pairs]},
                            schema={"number": pl.Utf8, "token": pl.Utf8, "digest": pl.Utf8})

    def many(self, numbers: list[str]) -> dict[str, tuple[str, str]]:
        self.table(numbers)
        return {n: self(n) for n in numbers}

    def __call__(self, number: str) -> tuple[str, str]:
        if not number:
            return "", ""
        hit = self.cache.get(number)
        if hit is None:
            hit = self.cache[number] = (audit_crypto.encrypt(number), audit_crypto.digest(number))
        return hit


# SQLite page cache during a call import (KiB): the secondary indexes of a month of calls stay in memory instead of being
# re-read and re-written page by page (2 MB default); given back when the import ends.
SQLITE_IMPORT_CACHE_KIB = 262_144


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


def _insert_frame(center: Center, batch: ImportBatch, frame: pl.DataFrame, batch_size: int, progress=None,
                  stage: _Stage | None = None) -> int:
    """Vectorised preparation of a normalised call frame, then one bulk insert. Returns the calls added."""
    staffing = _Staffing(center)
    staff_nos = frame.get_column("agent_staff_no").unique().to_list()
    staff = pl.DataFrame({"agent_staff_no": staff_nos, "agent_id": [staffing.of(no)[0] for no in staff_nos],
                          "team_id": [staffing.of(no)[1] for no in staff_nos]},
                         schema={"agent_staff_no": pl.Utf8, "agent_id": pl.Int64, "team_id": pl.Int64})
    pg = connection.vendor == "postgresql"

    def times(col: str) -> pl.Expr:
        e = pl.col(col)
        return e if pg else e.dt.convert_time_zone("UTC").dt.replace_time_zone(None).dt.to_string("%Y-%m-%d %H:%M:%S%.f")

    def prepare(part: pl.DataFrame, callers: pl.LazyFrame, caller_columns: list) -> pl.LazyFrame:
        return (
            part.lazy()
            .with_columns(pl.col("caller_number").fill_null(""))
            .join(callers, left_on="caller_number", right_on="number", how="left", maintain_order="left")
            .join(staff.lazy(), on="agent_staff_no", how="left", maintain_order="left")
            .select(
                pl.lit(center.pk).alias("center_id"), pl.lit(batch.pk).alias("batch_id"),
                pl.col("call_id").str.slice(0, 64), pl.col("queue").str.slice(0, 64), pl.col("call_type").str.slice(0, 40), "is_vip",
                *caller_columns,
                times("offered_at").alias("offered_at"), "outcome", "requested_agent", "queued", times("answered_at").alias("answered_at"),
                "wait_seconds", "rings", "talk_seconds", "hold_seconds", "acw_seconds", "transferred", "transfer_kind",
                pl.col("transfer_target").str.slice(0, 80), pl.col("disposition").str.slice(0, 40), "first_call_resolved",
                pl.col("agent_staff_no").str.slice(0, 20), "agent_id", "team_id", times("ended_at").alias("ended_at"),
                pl.col("hangup_by") if "hangup_by" in frame.columns else pl.lit("").alias("hangup_by"),
            )
        )

    if stage is not None and stage.usable and frame.height:
        return _insert_staged(center, batch, frame, prepare, stage, batch_size, progress)
    numbers = _Cipher().table(frame.get_column("caller_number").fill_null("").unique().to_list())
    prepared = prepare(frame, numbers.lazy(), [pl.col("token").alias("caller_number"), pl.col("digest").alias("caller_digest")]).collect()
    return _insert_calls(prepared, batch_size, progress)


def _insert_staged(center, batch, frame: pl.DataFrame, prepare, stage: _Stage, batch_size: int, progress=None) -> int:
    """The SQLite import through a _Stage, in two threads (2 cores): a worker prepares the calls, each with the number of
    its caller in a table of distinct callers, and writes them to the scratch file (Polars and the ADBC driver release
    the GIL), while this thread encrypts and digests the distinct callers (Python: holds the GIL). The callers' table is
    written next, then Django's connection copies the calls in, joined to their caller's token and digest, center and
    batch as literals. Only tokens and digests reach the scratch file, never a number in clear."""
    from concurrent.futures import ThreadPoolExecutor

    numbers = frame.lazy().select(pl.col("caller_number").fill_null("").unique().alias("number")).collect().with_row_index("number_id")

    def write_calls():  # a slice at a time: the prepared rows of a month (times as text) need not be in memory at once
        # staged in call_id order (stable: of two equal call_ids the file's first is copied first and kept), so that the copy
        # inserts into the UNIQUE (center, call_id) index in key order, not at a random leaf per row
        order = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).sort_by("call_id", maintain_order=True)).to_series()
        for i in range(0, frame.height, STAGE_WRITE_ROWS):
            rows = order.slice(i, STAGE_WRITE_ROWS)
            part = prepare(frame.select(pl.all().gather(rows)), numbers.lazy(), [pl.col("number_id")]).drop("center_id", "batch_id")
            stage.write("calls", part.collect(), append=i > 0)

    with ThreadPoolExecutor(1) as pool:
        written = pool.submit(write_calls)
        callers = _Cipher().table(numbers.get_column("number").to_list()).select("token", "digest")  # in number_id order
        written.result()
    stage.write("callers", callers)
    del callers
    literals = {"center_id": str(int(center.pk)), "batch_id": str(int(batch.pk)), "caller_number": "n.token", "caller_digest": "n.digest"}
    select = [literals.get(name, f"c.{name}") for name in CALL_COLUMNS]
    source = f"{STAGE_ALIAS}.calls AS c JOIN {STAGE_ALIAS}.callers AS n ON n.rowid = c.number_id + 1"
    return _insert_calls(None, batch_size, progress, rows=frame.height,
                         staged=lambda cursor: stage.copy(cursor, Call._meta.db_table, CALL_COLUMNS, select, source, frame.height,
                                                          batch_size, progress))


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


"""Importing call data. Each import is one transaction: a bad line changes nothing; the same file twice adds nothing."""
from __future__ import annotations

import codecs
import gc
import hashlib
from contextlib import contextmanager
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kefu.errors import Problem, RuleViolation
from kefu.org.models import Center, Staff
from kefu.org.policy import policy_for
from kefu.telephony import bulk, csv_import, queue_log, queue_log_frame
from kefu.telephony.bulk import CALL_COLUMNS
from kefu.telephony.models import AgentPause, AgentSession, Call, Caller, ImportBatch, PendingLine, ScheduledShift

MAX_SHOWN_ERRORS = 200

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


def user_id_of(user) -> int | None:
    """The id of the importing user, or None (anonymous, none): `user` may be request.user, a lazy object that is no
    model instance, so only its pk is used."""
    return user.pk if user is not None and user.is_authenticated else None


def _new_batch(center, kind, file_name, sha, rows, user) -> ImportBatch:
    try:
        with transaction.atomic():
            return ImportBatch.objects.create(center=center, kind=kind, file_name=file_name[:255], sha256=sha, rows=rows,
                                              imported_by_id=user_id_of(user))
    except IntegrityError:  # the same file, imported by someone else a moment ago
        raise DuplicateFile() from None


class DuplicateFile(Exception):
    """The file (its sha256) was imported already, by someone else meanwhile."""


def refuse_empty(data: bytes) -> None:
    """A file without any content is no import: refused before anything is recorded."""
    if not data or data.isspace():  # isspace() stops at the first other byte: no copy of a big file
        raise RuleViolation("文件为空（0 字节或只有空白）：请选择包含话务记录的文件", field="file", rule="telephony.empty_file")


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while a log is parsed: the parse makes millions of small objects and no
    reference cycles, and the collector walked the live ones again and again (16 % of the parse's CPU at 300,000 calls,
    measured; more at a million)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def import_queue_log(center: Center, *, file_name: str, data: bytes, user=None, progress=None) -> ImportOutcome:
    """Import an Asterisk queue_log file (all or nothing). Calls left open are kept and finished by the next file.

    `progress(n)`, when given, is told of every n lines read."""
    refuse_empty(data)
    sha = _sha256(data)
    if (dup := _existing(sha)) is not None:
        return dup
    encoding = _encoding(data)
    pol = policy_for("telephony", center)
    tz = ZoneInfo(center.time_zone)
    try:
        with bulk.Stage() as stage, transaction.atomic():
            Center.objects.select_for_update().filter(pk=center.pk).first()  # one import per center at a time (pending lines)
            carry = list(PendingLine.objects.filter(center=center).order_by("seq").values_list("line", flat=True))
            try:
                with collector_paused():
                    parsed, calls = queue_log_frame.parse_frame(
                        data, encoding=encoding, tz=tz, carry=carry, agent_map=pol.get("agent_map") or None,
                        legacy_transfer_kind=pol["legacy_transfer_kind"], ring_cycle_seconds=pol["ring_cycle_seconds"],
                        progress=progress, lines=lambda: decoded_lines(data))
            except queue_log.QueueLogError as exc:
                raise _violation(exc.errors, exc.total, "queue_log") from None
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
    except DuplicateFile:
        return _existing(sha)
    spans = [(s.start, s.end) for s in parsed.sessions] + [(p.start, p.end) for p in parsed.pauses]
    notes = []
    if parsed.time_format == queue_log.DATETIME:
        notes.append(f"本文件的时间戳是“年-月-日 时:分:秒”格式（不是 Unix 秒数），全文件一致，已按中心时区 {center.time_zone} 读取")
    return ImportOutcome(batch=batch, calls_in_file=calls.height, calls_created=created,
                         skipped_existing=calls.height - created, sessions=len(parsed.sessions), pauses=len(parsed.pauses),
                         pending=len(parsed.pending), notes=notes, **_span(calls if created else None, spans))


LINES_BLOCK = 1 << 22


def decoded_lines(data: bytes):
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
    refuse_empty(data)
    sha = _sha256(data)
    if (dup := _existing(sha)) is not None:
        return dup
    try:
        frame = csv_import.read_calls(data, mapping, time_zone=center.time_zone)
    except csv_import.CsvImportError as exc:
        raise _violation(exc.errors, exc.total, "csv") from None
    if not frame.height:
        raise RuleViolation("CSV 文件只有表头，没有任何通话记录：未导入", field="file", rule="telephony.empty_file")
    pol = policy_for("telephony", center)
    if bulk.direct_usable() and frame.height:
        try:
            batch_id, created = import_csv_direct(center, frame, file_name=file_name, sha=sha, user=user, progress=progress)
        except DuplicateFile:
            return _existing(sha)
        return ImportOutcome(batch=ImportBatch.objects.get(pk=batch_id), calls_in_file=frame.height, calls_created=created,
                             skipped_existing=frame.height - created, **_span(frame if created else None, []))
    try:
        with bulk.Stage() as stage, transaction.atomic():
            batch = _new_batch(center, ImportBatch.Kind.CSV, file_name, sha, frame.height, user)
            created = _insert_frame(center, batch, frame, pol["batch_size"], progress, stage)
            ImportBatch.objects.filter(pk=batch.pk).update(calls=created)
            batch.refresh_from_db()
    except DuplicateFile:
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




calls_frame = queue_log_frame.calls_frame  # parsed calls as the normalised frame the CSV reader also produces


def _preparer(center: Center, batch_id: int, frame: pl.DataFrame, staffing: _Staffing | None = None):
    """prepare(part, callers): a part of a normalised call frame as the table's rows (lazy): staff and team joined, texts
    cut to their column widths, times as the backend stores them, and the caller: `callers` is (number, <id>), the
    <id> column (caller_id, or number_id for the staged path) joined on the part's caller_number."""
    staffing = staffing or _Staffing(center)
    staff_nos = frame.get_column("agent_staff_no").unique().to_list()
    staff = pl.DataFrame({"agent_staff_no": staff_nos, "agent_id": [staffing.of(no)[0] for no in staff_nos],
                          "team_id": [staffing.of(no)[1] for no in staff_nos]},
                         schema={"agent_staff_no": pl.Utf8, "agent_id": pl.Int64, "team_id": pl.Int64})
    pg = connection.vendor == "postgresql"

    def times(col: str) -> pl.Expr:
        e = pl.col(col)
        return e if pg else e.dt.convert_time_zone("UTC").dt.replace_time_zone(None).dt.to_string("%Y-%m-%d %H:%M:%S%.f")

    def prepare(part: pl.DataFrame, callers: pl.DataFrame) -> pl.LazyFrame:
        # the joins carry the key columns only; the looked-up ids are set beside the part after (a join that keeps the
        # left order moves every column it carries)
        id_column = callers.columns[1]
        found = (part.lazy().select(pl.col("caller_number").fill_null(""), "agent_staff_no")
                 .join(callers.lazy(), left_on="caller_number", right_on="number", how="left", maintain_order="left")
                 .join(staff.lazy(), on="agent_staff_no", how="left", maintain_order="left")
                 .select(id_column, "agent_id", "team_id")
                 .collect())
        return (
            pl.concat([part.lazy().drop("caller_number"), found.lazy()], how="horizontal")
            .select(
                pl.lit(center.pk).alias("center_id"), pl.lit(batch_id).alias("batch_id"),
                pl.col("call_id").str.slice(0, 64), pl.col("queue").str.slice(0, 64), pl.col("call_type").str.slice(0, 40), "is_vip",
                id_column,
                times("offered_at").alias("offered_at"), "outcome", "requested_agent", "queued", times("answered_at").alias("answered_at"),
                "wait_seconds", "rings", "talk_seconds", "hold_seconds", "acw_seconds", "transferred", "transfer_kind",
                pl.col("transfer_target").str.slice(0, 80), pl.col("disposition").str.slice(0, 40), "first_call_resolved",
                pl.col("agent_staff_no").str.slice(0, 20), "agent_id", "team_id", times("ended_at").alias("ended_at"),
                pl.col("hangup_by") if "hangup_by" in frame.columns else pl.lit("").alias("hangup_by"),
            )
        )

    return prepare


def caller_ids(cursor, center_id: int, numbers: pl.Series) -> pl.DataFrame:
    """(number, caller_id) of every distinct caller number of an import: the callers the center has not yet are stored,
    each number encrypted once (bulk.caller_table, bulk.store_callers)."""
    callers = bulk.caller_table(numbers)
    if not callers.height:
        return pl.DataFrame(schema={"number": pl.Utf8, "caller_id": pl.Int64})
    ids = bulk.store_callers(cursor, center_id, callers)
    return callers.select("number_id", "number").join(ids, on="number_id", how="left").select("number", "caller_id")


def _insert_frame(center: Center, batch: ImportBatch, frame: pl.DataFrame, batch_size: int, progress=None,
                  stage: bulk.Stage | None = None) -> int:
    """Vectorised preparation of a normalised call frame, then one bulk insert. Returns the calls added."""
    prepare = _preparer(center, batch.pk, frame)
    if stage is not None and stage.usable and frame.height:
        return insert_staged(center, batch, frame, prepare, stage, batch_size, progress)
    if not frame.height:
        return 0
    connection.ensure_connection()
    cursor = connection.connection.cursor()  # the driver's: Django's debug wrapper would log every bound row
    try:
        callers = caller_ids(cursor, center.pk, frame.get_column("caller_number"))
    finally:
        cursor.close()
    return bulk.insert_calls(prepare(frame, callers).collect(), batch_size, progress)


def insert_staged(center, batch, frame: pl.DataFrame, prepare, stage: bulk.Stage, batch_size: int, progress=None) -> int:
    """The SQLite import through a bulk.Stage, in two threads (2 cores): a worker prepares the calls, each with the
    number of its caller in the import's table of distinct callers, and writes them to the scratch file (Polars and the
    ADBC driver release the GIL), while this thread digests and encrypts the distinct callers (Python: holds the GIL).
    The callers' table is written next; then Django's connection stores the callers the center has not yet, finds the
    id of every one, and copies the calls in joined to those ids, center and batch as literals. Only tokens and digests
    reach the scratch file, never a number in clear."""
    numbers = frame.lazy().select(pl.col("caller_number").fill_null("").unique().alias("number")).collect().with_row_index("number_id")

    def write_calls():  # a slice at a time: the prepared rows of a month (times as text) need not be in memory at once
        # staged in call_id order (stable: of two equal call_ids the file's first is copied first and kept), so that the copy
        # inserts into the UNIQUE (center, call_id) index in key order, not at a random leaf per row
        order = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).sort_by("call_id", maintain_order=True)).to_series()
        for i in range(0, frame.height, bulk.STAGE_WRITE_ROWS):
            rows = order.slice(i, bulk.STAGE_WRITE_ROWS)
            part = prepare(frame.select(pl.all().gather(rows)), numbers.select("number", "number_id")).drop("center_id", "batch_id")
            stage.write("calls", part.collect(), append=i > 0)

    with ThreadPoolExecutor(1) as pool:
        written = pool.submit(write_calls)
        # '' (no caller) is not in the table: its calls join no caller. In digest order: see bulk.store_callers.
        table = bulk.caller_table(numbers.get_column("number"))
        callers = (table.select("number", "digest", "token").join(numbers, on="number").select("number_id", "digest", "token")
                   .sort("digest"))
        del table
        written.result()
    stage.write("callers", callers)
    del callers
    ids = "temp.kefu_caller_ids"
    literals = {"center_id": str(int(center.pk)), "batch_id": str(int(batch.pk)), "caller_id": "i.caller_id"}
    select = [literals.get(name, f"c.{name}") for name in CALL_COLUMNS]
    source = f"{bulk.STAGE_ALIAS}.calls AS c LEFT JOIN {ids} AS i ON i.number_id = c.number_id"

    def staged(cursor) -> int:
        stage.attach(cursor)
        cursor.execute(bulk.caller_rows_sql(bulk.Caller._meta.db_table, f"{bulk.STAGE_ALIAS}.callers", "?"), (center.pk,))
        # number_id -> caller id, found by digest in digest order; the calls then join it by an integer key
        cursor.execute("CREATE TEMP TABLE kefu_caller_ids (number_id INTEGER PRIMARY KEY, caller_id INTEGER NOT NULL)")
        cursor.execute(f"INSERT INTO {ids} (number_id, caller_id) SELECT n.number_id, k.id FROM {bulk.STAGE_ALIAS}.callers AS n "
                       f"JOIN {bulk.Caller._meta.db_table} AS k ON k.center_id = ? AND k.number_digest = n.digest", (center.pk,))
        try:
            return stage.copy(cursor, Call._meta.db_table, CALL_COLUMNS, select, source, frame.height, batch_size, progress)
        finally:
            cursor.execute(f"DROP TABLE {ids}")

    return bulk.insert_calls(None, batch_size, progress, rows=frame.height, staged=staged)


def import_csv_direct(center: Center, frame: pl.DataFrame, *, file_name: str, sha: str, user, path: str | None = None,
                      progress=None) -> tuple[int, int]:
    """The CSV import on SQLite in one transaction of a connection of the ADBC driver (values bound in C from Arrow),
    straight into the calls table: no scratch file, no second write of every row. The batch row, the callers, the calls,
    the index rebuild and the batch's count are in that one transaction (BEGIN IMMEDIATE: the write lock first, as
    Django's own transactions here), so all or nothing holds as with Django's connection, which must have no
    transaction open (the caller checks: bulk.direct_usable).

    Idempotent: the sha256 is UNIQUE (raises DuplicateFile); call_ids already stored for the center (read inside the
    transaction) and a second row whose call_id cut to 64 characters repeats an earlier one are left out, as ON
    CONFLICT DO NOTHING leaves them in the other paths. The distinct callers are digested and encrypted once, those
    the center has not yet are stored, and every call refers to its caller's row. Rows go in call_id order (the UNIQUE
    index filled in key order), 200,000 at a time: while the driver writes one slice (it releases the GIL), this thread
    prepares the next. Returns (batch id, added)."""
    path = path or bulk.sqlite_file()
    table, batches = Call._meta.db_table, ImportBatch._meta.db_table
    connection.ensure_connection()
    # the durability and lock wait of Django's own connection (settings: synchronous NORMAL under WAL, else SQLite's
    # FULL) and the import's page cache. Foreign keys are not checked row by row (4 parent lookups a call, ~0.7 s CPU
    # at 1M): every parent is read inside this transaction instead (center, user, the center's staff and their teams),
    # and the write lock it holds from its start keeps them there until it commits.
    pragmas = {name: connection.connection.execute(f"PRAGMA {name}").fetchone()[0] for name in ("synchronous", "busy_timeout")}
    pragmas |= {"foreign_keys": 0, "cache_size": -bulk.SQLITE_DIRECT_CACHE_KIB}
    conn = bulk.adbc_sqlite.connect(path, autocommit=True)
    try:
        cur = bulk.AdbcCursor(conn.cursor())
        for name, value in pragmas.items():
            cur.execute(f"PRAGMA {name} = {int(value)}")
        cur.execute("BEGIN IMMEDIATE")
        try:
            user_id = user_id_of(user)
            parents = [(Center, center.pk)] + ([(get_user_model(), user_id)] if user_id is not None else [])
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
            except bulk.adbc_sqlite.IntegrityError:
                raise DuplicateFile() from None
            batch_id = cur.execute("SELECT last_insert_rowid()").fetchone()[0]
            rows_in_file = frame.height
            frame = bulk.new_calls(cur, table, center.pk, frame)
            if progress and frame.height < rows_in_file:
                progress(rows_in_file - frame.height)  # skipped: one step for them all
            prepare = _preparer(center, batch_id, frame, staffing)
            callers = caller_ids(cur, center.pk, frame.get_column("caller_number"))
            created = 0
            rebuild = bulk.sqlite_indexes_to_rebuild(cur, table, frame.height)
            for name, _ in rebuild:
                cur.execute(f'DROP INDEX "{name}"')
            order = frame.select(pl.int_range(pl.len(), dtype=pl.UInt32).sort_by("call_id", maintain_order=True)).to_series()

            def write(rows: pl.DataFrame) -> int:
                return cur.cursor.adbc_ingest(table, rows, mode="append")

            def written(future, rows: int) -> int:
                added = future.result()
                if progress:
                    progress(rows)
                return added

            step = bulk.STAGE_WRITE_ROWS
            cuts = sorted({0, *range(min(step // 4, frame.height), frame.height, step), frame.height})
            with ThreadPoolExecutor(1) as pool:
                pending = None
                for lo, hi in zip(cuts, cuts[1:]):
                    part = frame.select(pl.all().gather(order.slice(lo, hi - lo)))
                    rows = prepare(part, callers).collect()
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
            except bulk.adbc_sqlite.Error:  # SQLite rolled back already (some errors end the transaction themselves)
                pass
            raise
    finally:
        conn.close()
    return batch_id, created


def refresh_kpis(outcome: ImportOutcome) -> int:
    """After an import from the CLI, the page or the API: tell the reports which local days the import touched
    (signals.calls_imported; kefu.kpi recomputes its rollups of those days).

    Kept out of import_* so that benchmarks and bulk loads (demo, kpi's bench) time and batch the import alone.
    Returns the rows the receivers wrote (0 when no report is installed or nothing was added).
    """
    from kefu.telephony.signals import calls_imported

    if outcome.duplicate or outcome.first_at is None:
        return 0
    batch = outcome.batch  # the span comes with the outcome: no query of the calls by batch (no index on Call.batch)
    tz = ZoneInfo(batch.center.time_zone)
    first, last = outcome.first_at.astimezone(tz).date(), outcome.last_at.astimezone(tz).date()
    return sum(rows or 0 for _receiver, rows in calls_imported.send(sender=batch.center, first=first, last=last))


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



DESTROY_AUDIT_IDS = 1000  # caller ids per audit record of a destruction


def destroy_callers(center: Center, caller_ids: list[int], note: str, *, request=None, user=None) -> int:
    """Destroy caller numbers in place: the ciphertext and the digest are wiped and destroyed_at set, so the number can
    no longer be read nor found; the calls keep the row (a later call from that number gets a new one). Audited
    (action destroy, one record per DESTROY_AUDIT_IDS rows). Returns the numbers destroyed (already destroyed: 0)."""
    from kefu.audit.models import AuditRecord
    from kefu.audit.services import record

    now = timezone.now()
    destroyed = 0
    with transaction.atomic():
        for i in range(0, len(caller_ids), DESTROY_AUDIT_IDS):
            ids = list(Caller.objects.filter(center=center, pk__in=caller_ids[i:i + DESTROY_AUDIT_IDS], destroyed_at__isnull=True)
                       .order_by("pk").values_list("pk", flat=True))
            if not ids:
                continue
            destroyed += Caller.objects.filter(pk__in=ids).update(number="", number_digest=None, destroyed_at=now)
            record(request, AuditRecord.Action.DESTROY, "telephony.caller", ids, fields="number", note=note,
                   channel=AuditRecord.Channel.SYSTEM if request is None else AuditRecord.Channel.PAGE, user=user)
    return destroyed


def destroy_expired_callers(now: datetime | None = None) -> int:
    """Retention (daily timer): for each center, destroy the caller numbers without a call in the last
    `caller_retention_days` (telephony policy) days. Returns the numbers destroyed."""
    now = now or timezone.now()
    destroyed = 0
    for center in Center.objects.all():
        days = policy_for("telephony", center).get("caller_retention_days", 730)
        cutoff = now - timedelta(days=days)
        recent = Call.objects.filter(center=center, offered_at__gte=cutoff, caller__isnull=False).values("caller_id")
        expired = list(Caller.objects.filter(center=center, destroyed_at__isnull=True).exclude(pk__in=recent)
                       .order_by("pk").values_list("pk", flat=True))
        if expired:
            destroyed += destroy_callers(center, expired, f"保存期满（{days}天内无来电）销毁主叫号码")
    return destroyed

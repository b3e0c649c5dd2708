"""Importing call data. Each import is one transaction: a bad line changes nothing; the same file twice adds nothing."""

from __future__ import annotations

import codecs
import gc
import hashlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import polars as pl
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kefu.errors import Problem, RuleViolation
from kefu.org.models import Center
from kefu.org.policy import policy_for
from kefu.telephony import bulk, csv_import, queue_log, queue_log_frame
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


def user_id_of(user) -> int | None:
    """The id of the importing user, or None (anonymous, none): `user` may be request.user, a lazy object that is no
    model instance, so only its pk is used."""
    return user.pk if user is not None and user.is_authenticated else None


def _new_batch(center, kind, file_name, sha, rows, user) -> ImportBatch:
    try:
        with transaction.atomic():
            return ImportBatch.objects.create(
                center=center,
                kind=kind,
                file_name=file_name[:255],
                sha256=sha,
                rows=rows,
                imported_by_id=user_id_of(user),
            )
    except IntegrityError:  # the same file, imported by someone else a moment ago
        raise DuplicateFile() from None


class DuplicateFile(Exception):
    """The file (its sha256) was imported already, by someone else meanwhile."""


def refuse_empty(data: bytes) -> None:
    """A file without any content is no import: refused before anything is recorded."""
    if not data or data.isspace():  # isspace() stops at the first other byte: no copy of a big file
        raise RuleViolation(
            "文件为空（0 字节或只有空白）：请选择包含话务记录的文件", field="file", rule="telephony.empty_file"
        )


@contextmanager
def collector_paused():
    """Python's cyclic garbage collector off while a log is parsed: the parse makes millions of small objects and no
    reference cycles, and the collector would walk the live ones again and again."""
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
    pol = policy_for("telephony", center)
    options = queue_log_options(center, data, progress)
    try:
        if bulk.direct_usable():
            batch_id, parsed, calls, created = queue_log_direct(
                center, data, options, file_name=file_name, sha=sha, user=user
            )
            batch = ImportBatch.objects.get(pk=batch_id)
        else:
            batch, parsed, calls, created = _queue_log_atomic(
                center, data, options, file_name=file_name, sha=sha, user=user, batch_size=pol["batch_size"]
            )
    except DuplicateFile:
        return _existing(sha)
    spans = [(s.start, s.end) for s in parsed.sessions] + [(p.start, p.end) for p in parsed.pauses]
    notes = []
    if parsed.time_format == queue_log.DATETIME:
        notes.append(
            f"本文件的时间戳是“年-月-日 时:分:秒”格式（不是 Unix 秒数），全文件一致，已按中心时区 {center.time_zone} 读取"
        )
    return ImportOutcome(
        batch=batch,
        calls_in_file=calls.height,
        calls_created=created,
        skipped_existing=calls.height - created,
        sessions=len(parsed.sessions),
        pauses=len(parsed.pauses),
        pending=len(parsed.pending),
        notes=notes,
        **_span(calls if created else None, spans),
    )


def queue_log_options(center: Center, data: bytes, progress=None) -> dict:
    """How queue_log_frame.parse_frame reads a file for the center (its time zone and telephony policy)."""
    pol = policy_for("telephony", center)
    return {
        "encoding": _encoding(data),
        "tz": ZoneInfo(center.time_zone),
        "agent_map": pol.get("agent_map") or None,
        "legacy_transfer_kind": pol["legacy_transfer_kind"],
        "ring_cycle_seconds": pol["ring_cycle_seconds"],
        "progress": progress,
        "lines": lambda: decoded_lines(data),
    }


def _parse_queue_log(data: bytes, carry: list[str], options: dict, *, ordered: bool = True):
    try:
        with collector_paused():
            return queue_log_frame.parse_frame(data, carry=carry, **options, ordered=ordered)
    except queue_log.QueueLogError as exc:
        raise _violation(exc.errors, exc.total, "queue_log") from None


def _queue_log_atomic(center, data, options, *, file_name, sha, user, batch_size):
    """import_queue_log in a transaction of Django's connection (PostgreSQL; SQLite inside a caller's transaction)."""
    with transaction.atomic():
        Center.objects.select_for_update().filter(
            pk=center.pk
        ).first()  # one import per center at a time (pending lines)
        carry = list(PendingLine.objects.filter(center=center).order_by("seq").values_list("line", flat=True))
        parsed, calls = _parse_queue_log(data, carry, options)
        batch = _new_batch(center, ImportBatch.Kind.QUEUE_LOG, file_name, sha, parsed.rows, user)
        created = bulk.insert_calls(center, batch.pk, calls, batch_size=batch_size)
        staffing = bulk.Staffing(center)
        AgentSession.objects.bulk_create(
            [
                AgentSession(
                    center=center,
                    batch=batch,
                    agent_staff_no=s.agent_staff_no[:20],
                    agent_id=staffing.of(s.agent_staff_no)[0],
                    queue=s.queue[:64],
                    start=s.start,
                    end=s.end,
                )
                for s in parsed.sessions
            ],
            batch_size=batch_size,
        )
        AgentPause.objects.bulk_create(
            [
                AgentPause(
                    center=center,
                    batch=batch,
                    agent_staff_no=p.agent_staff_no[:20],
                    agent_id=staffing.of(p.agent_staff_no)[0],
                    queue=p.queue[:64],
                    start=p.start,
                    end=p.end,
                    reason=p.reason[:80],
                )
                for p in parsed.pauses
            ],
            batch_size=batch_size,
        )
        PendingLine.objects.filter(center=center).delete()
        PendingLine.objects.bulk_create(
            [PendingLine(center=center, seq=i, line=ln) for i, ln in enumerate(parsed.pending)]
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            calls=created, sessions=len(parsed.sessions), pauses=len(parsed.pauses), pending=len(parsed.pending)
        )
        batch.refresh_from_db()
    return batch, parsed, calls, created


def queue_log_direct(center, data, options, *, file_name, sha, user, path: str | None = None):
    """import_queue_log in a bulk.direct_transaction (SQLite in a file): the pending lines are read, the file parsed and
    everything written (batch, callers, calls, sessions, pauses, pending lines) inside that one transaction, which holds
    the database's write lock from its start (one import at a time). Returns (batch id, parse result, calls, added)."""
    with bulk.direct_transaction(path) as cur:
        batch_id, staffing = _direct_batch(cur, center, ImportBatch.Kind.QUEUE_LOG, file_name, sha, user)
        lines = PendingLine._meta
        carry = [
            row[0]
            for row in cur.execute(
                f"SELECT line FROM {lines.db_table} WHERE {lines.get_field('center').column} = ? ORDER BY seq",
                (center.pk,),
            ).fetchall()
        ]
        # the calls in any order: the direct write orders them by call_id itself (queue_log_frame.parse_frame)
        parsed, calls = _parse_queue_log(data, carry, options, ordered=False)
        created = bulk.insert_calls(center, batch_id, calls, cursor=cur, staffing=staffing)
        when = connection.ops.adapt_datetimefield_value
        common = {
            "center_id": pl.Int64,
            "batch_id": pl.Int64,
            "agent_staff_no": pl.Utf8,
            "agent_id": pl.Int64,
            "queue": pl.Utf8,
            "start": pl.Utf8,
            "end": pl.Utf8,
        }
        _direct_rows(
            cur,
            AgentSession,
            [
                (
                    center.pk,
                    batch_id,
                    s.agent_staff_no[:20],
                    staffing.of(s.agent_staff_no)[0],
                    s.queue[:64],
                    when(s.start),
                    when(s.end),
                )
                for s in parsed.sessions
            ],
            common,
        )
        _direct_rows(
            cur,
            AgentPause,
            [
                (
                    center.pk,
                    batch_id,
                    p.agent_staff_no[:20],
                    staffing.of(p.agent_staff_no)[0],
                    p.queue[:64],
                    when(p.start),
                    when(p.end),
                    p.reason[:80],
                )
                for p in parsed.pauses
            ],
            common | {"reason": pl.Utf8},
        )
        cur.execute(f"DELETE FROM {lines.db_table} WHERE {lines.get_field('center').column} = ?", (center.pk,))
        _direct_rows(
            cur,
            PendingLine,
            [(center.pk, i, ln) for i, ln in enumerate(parsed.pending)],
            {"center_id": pl.Int64, "seq": pl.Int64, "line": pl.Utf8},
        )
        cur.execute(
            f"UPDATE {ImportBatch._meta.db_table} SET rows = ?, calls = ?, sessions = ?, pauses = ?, pending = ? WHERE id = ?",
            (parsed.rows, created, len(parsed.sessions), len(parsed.pauses), len(parsed.pending), batch_id),
        )
    return batch_id, parsed, calls, created


def _direct_rows(cur, model, rows: list[tuple], schema: dict) -> None:
    """Rows of a model's table written through a direct_transaction's cursor (columns named by `schema`)."""
    if rows:
        cur.cursor.adbc_ingest(model._meta.db_table, pl.DataFrame(rows, schema=schema, orient="row"), mode="append")


def _direct_batch(cur, center: Center, kind: str, file_name: str, sha: str, user) -> tuple[int, bulk.Staffing]:
    """The batch row of an import in a direct_transaction (raises DuplicateFile: the sha256 is UNIQUE), its parents
    checked inside the transaction (center, user; IntegrityError when gone), and the center's staff read there too."""
    user_id = user_id_of(user)
    parents = [(Center, center.pk)] + ([(get_user_model(), user_id)] if user_id is not None else [])
    for model, pk in parents:
        if (
            cur.execute(
                f"SELECT count(*) FROM {model._meta.db_table} WHERE {model._meta.pk.column} = ?", (pk,)
            ).fetchone()[0]
            != 1
        ):
            raise IntegrityError(f"{model._meta.label} {pk} 已不存在")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    row = pl.DataFrame(
        {
            "center_id": [center.pk],
            "kind": [str(kind)],
            "file_name": [file_name[:255]],
            "sha256": [sha],
            "imported_at": [now],
            "imported_by_id": [user_id],
        },
        schema={
            "center_id": pl.Int64,
            "kind": pl.Utf8,
            "file_name": pl.Utf8,
            "sha256": pl.Utf8,
            "imported_at": pl.Utf8,
            "imported_by_id": pl.Int64,
        },
    )
    try:
        cur.execute(
            f"INSERT INTO {ImportBatch._meta.db_table} (center_id, kind, file_name, sha256, rows, calls, sessions, pauses, "
            f"pending, imported_at, imported_by_id) VALUES (?, ?, ?, ?, 0, 0, 0, 0, 0, ?, ?)",
            row,
        )
    except bulk.adbc_sqlite.IntegrityError:
        raise DuplicateFile() from None
    return cur.execute("SELECT last_insert_rowid()").fetchone()[0], bulk.Staffing.read(cur, center)


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
    if is_utf8(data):
        return "utf-8"
    view = memoryview(data)
    decoder = codecs.getincrementaldecoder("gb18030")()
    try:
        for i in range(0, len(view), 1 << 23):
            decoder.decode(view[i : i + (1 << 23)])
        decoder.decode(b"", final=True)
        return "gb18030"
    except UnicodeDecodeError:
        pass
    raise RuleViolation("文件不是 UTF-8 或 GB18030 编码的文本", field="file", rule="telephony.encoding")


UTF8_CHECK_BYTES = 1 << 25


def is_utf8(data: bytes) -> bool:
    """Is the whole file UTF-8? ASCII at once; otherwise Polars' cast of the bytes to text checks each 32 MB piece (pieces
    end after a newline, never inside a character): the same rule as Python's strict UTF-8 decoder, in a fraction of
    its time, and no str of the file."""
    if data.isascii():
        return True
    pos = 0
    while pos < len(data):
        cut = data.find(b"\n", pos + UTF8_CHECK_BYTES)
        end = len(data) if cut < 0 else cut + 1
        try:
            pl.Series([data[pos:end]], dtype=pl.Binary).cast(pl.String)
        except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
            return False
        pos = end
    return True


def import_csv(
    center: Center, *, file_name: str, data: bytes, mapping: dict | None = None, user=None, progress=None
) -> ImportOutcome:
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
    try:
        if bulk.direct_usable():
            batch_id, created = import_csv_direct(
                center, frame, file_name=file_name, sha=sha, user=user, progress=progress
            )
            batch = ImportBatch.objects.get(pk=batch_id)
        else:
            with transaction.atomic():
                batch = _new_batch(center, ImportBatch.Kind.CSV, file_name, sha, frame.height, user)
                created = bulk.insert_calls(center, batch.pk, frame, batch_size=pol["batch_size"], progress=progress)
                ImportBatch.objects.filter(pk=batch.pk).update(calls=created)
                batch.refresh_from_db()
    except DuplicateFile:
        return _existing(sha)
    return ImportOutcome(
        batch=batch,
        calls_in_file=frame.height,
        calls_created=created,
        skipped_existing=frame.height - created,
        **_span(frame if created else None, []),
    )


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


def import_csv_direct(
    center: Center, frame: pl.DataFrame, *, file_name: str, sha: str, user, path: str | None = None, progress=None
) -> tuple[int, int]:
    """The CSV import in a bulk.direct_transaction (SQLite in a file): the batch row, the callers, the calls and the
    batch's count in that one transaction. Idempotent: the sha256 is UNIQUE (raises DuplicateFile), call_ids already
    stored are skipped. Returns (batch id, calls added)."""
    with bulk.direct_transaction(path) as cur:
        batch_id, staffing = _direct_batch(cur, center, ImportBatch.Kind.CSV, file_name, sha, user)
        created = bulk.insert_calls(center, batch_id, frame, cursor=cur, staffing=staffing, progress=progress)
        cur.execute(
            f"UPDATE {ImportBatch._meta.db_table} SET rows = ?, calls = ? WHERE id = ?",
            (frame.height, created, batch_id),
        )
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


def add_scheduled_shifts(
    center: Center, shifts: list[tuple[str, datetime, datetime]], batch: ImportBatch | None = None
) -> int:
    """Scheduled on-phone spans (staff_no, start, end) for 实际工作率 (004:L1345). Rejects an end not after its start."""
    bad = [
        Problem("shifts", "telephony.shift", f"第{i}个班次：工号 {no} 的结束时间必须晚于开始时间")
        for i, (no, start, end) in enumerate(shifts, start=1)
        if not end > start
    ]
    if bad:
        raise RuleViolation.many(bad)
    staffing = bulk.Staffing(center)
    with transaction.atomic():
        rows = ScheduledShift.objects.bulk_create(
            [
                ScheduledShift(
                    center=center,
                    batch=batch,
                    agent_staff_no=no[:20],
                    agent_id=staffing.of(no)[0],
                    start=start,
                    end=end,
                )
                for no, start, end in shifts
            ],
            batch_size=5000,
        )
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
            ids = list(
                Caller.objects.filter(
                    center=center, pk__in=caller_ids[i : i + DESTROY_AUDIT_IDS], destroyed_at__isnull=True
                )
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if not ids:
                continue
            destroyed += Caller.objects.filter(pk__in=ids).update(number="", number_digest=None, destroyed_at=now)
            record(
                request,
                AuditRecord.Action.DESTROY,
                object_type="telephony.caller",
                ids=ids,
                fields="number",
                note=note,
                channel=AuditRecord.Channel.SYSTEM if request is None else AuditRecord.Channel.PAGE,
                user=user,
            )
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
        expired = list(
            Caller.objects.filter(center=center, destroyed_at__isnull=True)
            .exclude(pk__in=recent)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if expired:
            destroyed += destroy_callers(center, expired, f"保存期满（{days}天内无来电）销毁主叫号码")
    return destroyed

"""Importing call data. Each import is one transaction: a bad line changes nothing; the same file twice adds nothing."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import struct
import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
from django.db import IntegrityError, connection, transaction

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from kefu.audit import crypto as audit_crypto
from kefu.errors import Problem, RuleViolation
from kefu.org.models import Center, Staff
from kefu.org.policy import policy_for
from kefu.telephony import csv_import, queue_log
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
    """Encrypts each distinct caller number once per import (the digest already reveals equality).

    Same tokens and digests as kefu.audit.crypto.encrypt/digest (Fernet: AES-128-CBC + HMAC-SHA256; keyed HMAC digest),
    with the keys set up once instead of per value: imports handle hundreds of thousands of numbers.
    tests/test_import.py checks that audit's decrypt() reads them and that the digests are equal.
    """

    def __init__(self):
        from django.conf import settings

        fernet = audit_crypto._fernet()
        self.signing_key, self.encryption_key = fernet._signing_key, fernet._encryption_key
        self.digest_key = hashlib.sha256(("digest:" + (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY)).encode()).digest()
        self.cache: dict[str, tuple[str, str]] = {}

    def encrypt(self, value: str) -> str:
        data = value.encode()
        pad = 16 - len(data) % 16
        iv = os.urandom(16)
        encryptor = Cipher(algorithms.AES(self.encryption_key), modes.CBC(iv)).encryptor()
        body = b"\x80" + struct.pack(">Q", int(time.time())) + iv + encryptor.update(data + bytes([pad]) * pad) + encryptor.finalize()
        return base64.urlsafe_b64encode(body + hmac.digest(self.signing_key, body, "sha256")).decode()

    def encrypt_many(self, values: list[str]) -> list[str]:
        """Fernet tokens for many values. Phone numbers fit one AES block once padded, and CBC of one block is
        AES(key, block XOR iv): all such blocks go through one AES call; longer values take the per-value path."""
        encoded = [v.encode() for v in values]
        short = [i for i, d in enumerate(encoded) if len(d) < 16]
        out = [""] * len(values)
        if short:
            blocks = np.frombuffer(b"".join(encoded[i] + bytes([16 - len(encoded[i])]) * (16 - len(encoded[i])) for i in short),
                                   dtype=np.uint8).reshape(-1, 16)
            ivs = np.frombuffer(os.urandom(16 * len(short)), dtype=np.uint8).reshape(-1, 16)
            encryptor = Cipher(algorithms.AES(self.encryption_key), modes.ECB()).encryptor()  # noqa: S305 — one block = CBC
            cipher_blocks = encryptor.update((blocks ^ ivs).tobytes()) + encryptor.finalize()
            head = b"\x80" + struct.pack(">Q", int(time.time()))
            iv_bytes = ivs.tobytes()
            key = self.signing_key
            for k, i in enumerate(short):
                body = head + iv_bytes[16 * k:16 * k + 16] + cipher_blocks[16 * k:16 * k + 16]
                out[i] = base64.urlsafe_b64encode(body + hmac.digest(key, body, "sha256")).decode()
        for i, d in enumerate(encoded):
            if len(d) >= 16:
                out[i] = self.encrypt(values[i])
        return out

    def digest(self, value: str) -> str:
        return hmac.digest(self.digest_key, value.strip().encode(), "sha256").hex()

    def many(self, numbers: list[str]) -> dict[str, tuple[str, str]]:
        """number -> (token, digest) for distinct numbers; '' -> ('', '')."""
        todo = [n for n in numbers if n and n not in self.cache]
        for n, token in zip(todo, self.encrypt_many(todo)):
            self.cache[n] = (token, self.digest(n))
        return {n: self(n) for n in numbers}

    def __call__(self, number: str) -> tuple[str, str]:
        if not number:
            return "", ""
        hit = self.cache.get(number)
        if hit is None:
            hit = self.cache[number] = (self.encrypt(number), self.digest(number))
        return hit


def _insert_calls(prepared: pl.DataFrame, batch_size: int, progress=None) -> None:
    """INSERT ... ON CONFLICT DO NOTHING (call_id is unique per center), without a Python object per row:
    PostgreSQL: COPY of the frame written as CSV into a temp table, then one INSERT ... SELECT;
    SQLite: executemany of the frame's row tuples on the driver's cursor (4x less CPU than json_each(), measured)."""
    if prepared.height == 0:
        return
    table = Call._meta.db_table
    cols = ", ".join(CALL_COLUMNS)
    connection.ensure_connection()
    # the driver's own cursor: Django's debug wrapper would format a 50,000-row statement for its query log
    cursor = connection.connection.cursor()
    try:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE kefu_call_in AS SELECT {cols} FROM {table} WITH NO DATA")
            with cursor.copy(f"COPY kefu_call_in ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                for i in range(0, prepared.height, 200_000):
                    copy.write(prepared.slice(i, 200_000).write_csv(include_header=False, null_value="\\N").encode())
                    if progress:
                        progress(min(200_000, prepared.height - i))
            cursor.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM kefu_call_in ON CONFLICT (center_id, call_id) DO NOTHING")
            cursor.execute("DROP TABLE kefu_call_in")
        else:
            marks = ", ".join("?" * len(CALL_COLUMNS))
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT (center_id, call_id) DO NOTHING"
            for i in range(0, prepared.height, batch_size):
                cursor.executemany(sql, prepared.slice(i, batch_size).rows())
                if progress:
                    progress(min(batch_size, prepared.height - i))
    finally:
        cursor.close()


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
    text = _decode(data)
    pol = policy_for("telephony", center)
    tz = ZoneInfo(center.time_zone)
    try:
        with transaction.atomic():
            Center.objects.select_for_update().filter(pk=center.pk).first()  # one import per center at a time (pending lines)
            carry = list(PendingLine.objects.filter(center=center).order_by("seq").values_list("line", flat=True))
            lines = text.splitlines()
            try:
                parsed = queue_log.parse(lines if progress is None else progress(lines), tz=tz, carry=carry,
                                         agent_map=pol.get("agent_map") or None,
                                         legacy_transfer_kind=pol["legacy_transfer_kind"],
                                         ring_cycle_seconds=pol["ring_cycle_seconds"])
            except queue_log.QueueLogError as exc:
                raise _violation(exc.errors, len(exc.errors), "queue_log") from None
            batch = _new_batch(center, ImportBatch.Kind.QUEUE_LOG, file_name, sha, parsed.rows, user)
            created = _insert_frame(center, batch, _calls_frame(parsed.calls), pol["batch_size"])
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
    return ImportOutcome(batch=batch, calls_in_file=len(parsed.calls), calls_created=created,
                         skipped_existing=len(parsed.calls) - created, sessions=len(parsed.sessions), pauses=len(parsed.pauses),
                         pending=len(parsed.pending))


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
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
        with transaction.atomic():
            batch = _new_batch(center, ImportBatch.Kind.CSV, file_name, sha, frame.height, user)
            created = _insert_frame(center, batch, frame, pol["batch_size"], progress)
            ImportBatch.objects.filter(pk=batch.pk).update(calls=created)
            batch.refresh_from_db()
    except _Duplicate:
        return _existing(sha)
    return ImportOutcome(batch=batch, calls_in_file=frame.height, calls_created=created, skipped_existing=frame.height - created)


def _calls_frame(calls: list[queue_log.ParsedCall]) -> pl.DataFrame:
    """Parsed calls as the normalised frame the CSV reader also produces."""
    kinds = {"str": pl.Utf8, "transfer": pl.Utf8, "outcome": pl.Utf8, "datetime": pl.Datetime("us", "UTC"), "float": pl.Float64,
             "int": pl.Int64, "bool": pl.Boolean, "bool_or_null": pl.Boolean}
    schema = {f: kinds[k] for f, k in csv_import.FIELDS.items()} | {"hangup_by": pl.Utf8}
    return pl.DataFrame({f: [getattr(c, f) for c in calls] for f in schema}, schema=schema)


def _insert_frame(center: Center, batch: ImportBatch, frame: pl.DataFrame, batch_size: int, progress=None) -> int:
    """Vectorised preparation of a normalised call frame, then one bulk insert."""
    staffing = _Staffing(center)
    cipher = _Cipher()
    numbers = frame.get_column("caller_number").unique().to_list()
    enc_map = cipher.many(numbers)
    staff_map = {no: staffing.of(no) for no in frame.get_column("agent_staff_no").unique().to_list()}
    pg = connection.vendor == "postgresql"

    def times(col: str) -> pl.Expr:
        e = pl.col(col)
        return e if pg else e.dt.convert_time_zone("UTC").dt.replace_time_zone(None).dt.to_string("%Y-%m-%d %H:%M:%S%.f")

    prepared = frame.select(
        pl.lit(center.pk).alias("center_id"), pl.lit(batch.pk).alias("batch_id"),
        pl.col("call_id").str.slice(0, 64), pl.col("queue").str.slice(0, 64), pl.col("call_type").str.slice(0, 40), "is_vip",
        pl.col("caller_number").replace_strict({k: v[0] for k, v in enc_map.items()}, return_dtype=pl.Utf8).alias("caller_number"),
        pl.col("caller_number").replace_strict({k: v[1] for k, v in enc_map.items()}, return_dtype=pl.Utf8).alias("caller_digest"),
        times("offered_at").alias("offered_at"), "outcome", "requested_agent", "queued", times("answered_at").alias("answered_at"),
        "wait_seconds", "rings", "talk_seconds", "hold_seconds", "acw_seconds", "transferred", "transfer_kind",
        pl.col("transfer_target").str.slice(0, 80), pl.col("disposition").str.slice(0, 40), "first_call_resolved",
        pl.col("agent_staff_no").str.slice(0, 20),
        pl.col("agent_staff_no").replace_strict({k: v[0] for k, v in staff_map.items()}, return_dtype=pl.Int64).alias("agent_id"),
        pl.col("agent_staff_no").replace_strict({k: v[1] for k, v in staff_map.items()}, return_dtype=pl.Int64).alias("team_id"),
        times("ended_at").alias("ended_at"),
        pl.col("hangup_by") if "hangup_by" in frame.columns else pl.lit("").alias("hangup_by"),
    )
    _insert_calls(prepared, batch_size, progress)
    return Call.objects.filter(batch=batch).count()


def refresh_kpis(outcome: ImportOutcome) -> int:
    """After an import from the CLI, the page or the API: recompute the KPI rollups of the local days it touched.

    Kept out of import_* so that benchmarks and bulk loads (demo, kpi's bench) time and batch the import alone.
    Returns the rollup rows written (0 when kefu.kpi is not installed or nothing was added).
    """
    from django.apps import apps
    from django.db.models import Max, Min

    if outcome.duplicate or not apps.is_installed("kefu.kpi"):
        return 0
    from kefu.kpi import services as kpi_services

    batch = outcome.batch
    spans = [Call.objects.filter(batch=batch).aggregate(lo=Min("offered_at"), hi=Max("offered_at")),
             AgentSession.objects.filter(batch=batch).aggregate(lo=Min("start"), hi=Max("end")),
             AgentPause.objects.filter(batch=batch).aggregate(lo=Min("start"), hi=Max("end"))]
    los = [x["lo"] for x in spans if x["lo"] is not None]
    his = [x["hi"] for x in spans if x["hi"] is not None]
    if not los:
        return 0
    tz = ZoneInfo(batch.center.time_zone)
    first, last = min(los).astimezone(tz).date(), max(his).astimezone(tz).date()
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


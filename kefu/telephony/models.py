"""Call and agent-state records (话务与座席状态记录), shared with kpi and wfm.

The field names are a contract with the KPI engine and WFM (issue #3); add fields, never rename.
Seed references: call record fields 004:L1301–1671 (catalogue D_004b §3.8), agent time 004:L1345, L1515, L1541 (§3.9).
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Cast

from kefu.audit.crypto import EncryptedTextField


class ImportBatch(models.Model):
    """One imported file. The same file (same sha256) is imported once only."""

    class Kind(models.TextChoices):
        QUEUE_LOG = "queue_log", "Asterisk queue_log"
        CSV = "csv", "CSV（字段映射）"
        SIMULATOR = "simulator", "仿真器"

    center = models.ForeignKey(
        "org.Center", null=True, blank=True, on_delete=models.CASCADE, related_name="call_batches", verbose_name="中心"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64, unique=True)
    rows = models.PositiveIntegerField("行数", default=0)
    calls = models.PositiveIntegerField("新增通话", default=0)
    sessions = models.PositiveIntegerField("新增签入时段", default=0)
    pauses = models.PositiveIntegerField("新增小休", default=0)
    pending = models.PositiveIntegerField("待续（未结束）", default=0)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="导入人",
    )

    class Meta:
        verbose_name = verbose_name_plural = "话务导入批次"
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} 行)"


class Caller(models.Model):
    """A calling number of a center (主叫号码), once however many calls it made: encrypted at rest (Fernet), found by its
    keyed digest (kefu.audit.crypto.digest, the same as customers' phone_digest). Retention destroys it in place: the
    number and the digest are wiped and destroyed_at set; the calls keep pointing at the row (KPIs still tell a redial),
    and a later call from the same number gets a new row."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心", db_index=False
    )  # covered by the unique constraint
    number = EncryptedTextField("主叫号码", blank=True)
    number_digest = models.CharField("号码摘要", max_length=64, null=True, blank=True, editable=False)
    destroyed_at = models.DateTimeField("销毁时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "主叫号码"
        # NULL digests (destroyed numbers) are distinct: any number of them per center
        constraints = [
            models.UniqueConstraint(fields=["center", "number_digest"], name="caller_digest_unique_per_center")
        ]

    def __str__(self) -> str:
        return f"主叫#{self.pk}"


class Call(models.Model):
    """One call offered to the center (or a blocked dial attempt), counted on the local day it entered the queue."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", "已接听"
        ABANDONED = "abandoned", "放弃"
        BLOCKED = "blocked", "忙音（未进入ACD）"  # 004:L1601
        TIMEOUT = "timeout", "排队超时"  # EXITWITHTIMEOUT: not an abandon (SPEC decisions)
        EMPTY = "empty", "无座席"  # EXITEMPTY: not an abandon (SPEC decisions)
        EXIT_KEY = "exit_key", "按键离开队列"
        IVR = "ivr", "IVR自助"

    class TransferKind(models.TextChoices):
        NONE = "", "无"
        BLIND = "blind", "盲转"  # 004:L1669 盲目转接
        ATTENDED = "attended", "告知后转接"

    # Few indexes on purpose: a month can be a million rows and every index slows the import (bench/import_calls.py).
    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="calls", verbose_name="中心", db_index=False
    )  # covered by the composite indexes below
    # No index on batch: its readers were refresh_kpis (now given the span by the import's ImportOutcome) and the cascade
    # when a batch is deleted, which thus scans the calls table (a rare admin action); the index's cost: telephony README.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="call_rows", verbose_name="导入批次", db_index=False
    )
    call_id = models.CharField("呼叫标识", max_length=64)
    queue = models.CharField("队列", max_length=64, blank=True)
    call_type = models.CharField("业务类型", max_length=40, blank=True)  # 004:L1461
    is_vip = models.BooleanField("VIP", default=False)  # 004:L1301
    # the calling number, stored once per center however many calls it made (Caller); null when the line gave none.
    # No database constraint and no index: a caller row is never deleted on its own (retention wipes it in place) and
    # only goes with its center, whose calls go too; no query looks calls up by caller (an index cost the import time).
    caller = models.ForeignKey(
        "Caller",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        verbose_name="主叫",
        db_index=False,
        db_constraint=False,
    )
    # 004:L1617–1621: redials are matched by the KPI engine on the calls of the period it loads, by this identity of the
    # caller (its Caller row, as text): the name is the one the KPI engine reads (field names are a contract, above).
    caller_digest = models.GeneratedField(
        expression=Cast("caller_id", models.CharField(max_length=20)),
        output_field=models.CharField("主叫标识", max_length=20),
        db_persist=True,
    )
    offered_at = models.DateTimeField("进入队列时间")
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices)
    requested_agent = models.BooleanField("要求人工", default=True)  # 004:L1305
    queued = models.BooleanField("排队", default=False)  # 004:L1643
    answered_at = models.DateTimeField("应答时间", null=True, blank=True)
    wait_seconds = models.FloatField("排队时长(秒)", default=0)
    rings = models.PositiveIntegerField("振铃次数", null=True, blank=True)  # 004:L1445
    talk_seconds = models.FloatField("通话时长(秒)", default=0)  # 004:L1493
    hold_seconds = models.FloatField("保持时长(秒)", default=0)  # 004:L1425
    acw_seconds = models.FloatField("事后处理(秒)", default=0)  # 004:L1361
    transferred = models.BooleanField("已转接", default=False)  # 004:L1655
    transfer_kind = models.CharField("转接方式", max_length=10, choices=TransferKind.choices, blank=True, default="")
    transfer_target = models.CharField("转接目标", max_length=80, blank=True)
    disposition = models.CharField("处理结果代码", max_length=40, blank=True)  # 004:L1629
    first_call_resolved = models.BooleanField("一次解决", null=True, blank=True)
    agent_staff_no = models.CharField("工号", max_length=20, blank=True)
    agent = models.ForeignKey(
        "org.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name="座席",
        db_index=False,
    )
    team = models.ForeignKey(
        "org.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name="班组",
        db_index=False,
    )
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    hangup_by = models.CharField("挂机方", max_length=10, blank=True)  # caller / agent (COMPLETECALLER / COMPLETEAGENT)

    class Meta:
        verbose_name = verbose_name_plural = "通话记录"
        constraints = [models.UniqueConstraint(fields=["center", "call_id"], name="call_id_unique_per_center")]
        # One index for the period reads (KPI engine, wallboard, WFM, quality: center + offered_at range) and the call list
        # filtered by agent (api /calls?agent=: the agent is tested on the index entry, no table read). A second index
        # (center, agent_staff_no, offered_at) was dropped: its cost at each import and the reads' times are in the README.
        indexes = [models.Index(fields=["center", "offered_at", "agent_staff_no"], name="call_center_time_agent")]

    def __str__(self) -> str:
        return self.call_id


class AgentSession(models.Model):
    """Logged-in time of an agent in a queue (AGENTLOGIN/ADDMEMBER .. AGENTLOGOFF/REMOVEMEMBER)."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="agent_sessions", verbose_name="中心"
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="session_rows", verbose_name="导入批次"
    )
    agent_staff_no = models.CharField("工号", max_length=20, db_index=True)
    agent = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="座席"
    )
    queue = models.CharField("队列", max_length=64, blank=True)
    start = models.DateTimeField("签入")
    end = models.DateTimeField("签出")

    class Meta:
        verbose_name = verbose_name_plural = "座席签入时段"
        indexes = [models.Index(fields=["center", "start"])]


class AgentPause(models.Model):
    """A pause (小休/置忙) of an agent; one with no UNPAUSE ends at logoff (SPEC decisions)."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="agent_pauses", verbose_name="中心")
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="pause_rows", verbose_name="导入批次")
    agent_staff_no = models.CharField("工号", max_length=20, db_index=True)
    agent = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="座席"
    )
    queue = models.CharField("队列", max_length=64, blank=True)  # '' = all queues (PAUSEALL)
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    reason = models.CharField("原因", max_length=80, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "座席小休"
        indexes = [models.Index(fields=["center", "start"])]


class ScheduledShift(models.Model):
    """Scheduled on-phone time (计划应当回答电话的总时间, 004:L1345) for 实际工作率 (adherence)."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="scheduled_shifts", verbose_name="中心"
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.CASCADE, related_name="shift_rows", verbose_name="导入批次"
    )
    agent_staff_no = models.CharField("工号", max_length=20, db_index=True)
    agent = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="座席"
    )
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")

    class Meta:
        verbose_name = verbose_name_plural = "计划在线时段"
        indexes = [models.Index(fields=["center", "start"])]


class PendingLine(models.Model):
    """queue_log lines of calls/agent states still open at the end of an imported file, replayed with the next file."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    seq = models.PositiveIntegerField("顺序")
    line = models.TextField("原始行")

    class Meta:
        verbose_name = verbose_name_plural = "待续话单行"
        ordering = ["center", "seq"]

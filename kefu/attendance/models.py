"""Leave requests, shift swaps, clock punches and the published monthly attendance sheet."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaveRequest(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        CANCELLED = "cancelled", _("已撤销")

    staff = models.ForeignKey(
        "org.Staff", on_delete=models.CASCADE, related_name="leave_requests", verbose_name="申请人"
    )
    kind = models.CharField("请假类型", max_length=30)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期")
    days = models.PositiveSmallIntegerField("天数")
    reason = models.CharField("事由", max_length=300)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField("提交时间")
    steps = models.JSONField("审批步骤", default=list)  # roles in order, from the approval ladder
    approvals = models.JSONField("审批记录", default=list)  # [{"role", "staff_no", "at", "decision", "note"}]
    manager_required = models.BooleanField("须管理人员批准", default=False)
    findings = models.JSONField("规则提示", default=list)
    certificate_required = models.BooleanField("须医疗证明", default=False)
    certificate_due = models.DateField("证明提交期限", null=True, blank=True)
    certificate_received_at = models.DateTimeField("证明收到时间", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = verbose_name_plural = "请假申请"
        ordering = ["-submitted_at"]

    def __str__(self) -> str:
        return f"{self.staff} {self.kind} {self.start}~{self.end}"

    @property
    def next_step(self) -> str | None:
        done = len([a for a in self.approvals if a["decision"] == "approve"])
        return self.steps[done] if self.state == self.State.SUBMITTED and done < len(self.steps) else None


class ShiftSwap(models.Model):
    """A swap on the workflow kernel (kefu/attendance/machine.py): the counterpart agrees first (000:L242, 003:L67,
    004:L671), then both team leads approve (002:L78); once approved it is applied to the published roster."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待对方同意")
        AGREED = "agreed", _("待班长审批")
        APPROVED = "approved", _("已批准")
        DECLINED = "declined", _("对方不同意")
        REJECTED = "rejected", _("已驳回")
        CANCELLED = "cancelled", _("已撤销")

    requester = models.ForeignKey(
        "org.Staff", on_delete=models.CASCADE, related_name="swaps_requested", verbose_name="申请人"
    )
    counterpart = models.ForeignKey(
        "org.Staff", on_delete=models.CASCADE, related_name="swaps_offered", verbose_name="对方"
    )
    requester_shift_start = models.DateTimeField("申请人原班次开始")
    requester_shift_end = models.DateTimeField("申请人原班次结束")
    counterpart_shift_start = models.DateTimeField("对方原班次开始")
    counterpart_shift_end = models.DateTimeField("对方原班次结束")
    reason = models.CharField("事由", max_length=300)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.REQUESTED)
    approvals = models.JSONField("班长审批", default=list)  # [{"staff_no", "for", "at", "decision"}], 002:L78
    answered_at = models.DateTimeField("对方答复时间", null=True, blank=True)
    applied = models.JSONField("已调整的排班", default=list)  # [{"staff_no", "day", "old", "new"}] once approved
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "换班申请"
        ordering = ["-created_at"]


class ClockImport(models.Model):
    file_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(max_length=64, unique=True)
    rows = models.PositiveIntegerField("行数")
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "打卡导入"


class ClockEvent(models.Model):
    class Direction(models.TextChoices):
        IN = "in", _("上班")
        OUT = "out", _("下班")

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="clock_events", verbose_name="员工")
    at = models.DateTimeField("打卡时间")
    direction = models.CharField("方向", max_length=3, choices=Direction.choices)
    batch = models.ForeignKey(ClockImport, on_delete=models.CASCADE, related_name="events")

    class Meta:
        verbose_name = verbose_name_plural = "打卡记录"
        constraints = [models.UniqueConstraint(fields=["staff", "at", "direction"], name="clock_event_unique")]
        indexes = [models.Index(fields=["staff", "at"])]


class AttendanceSheet(models.Model):
    """The monthly attendance sheet as published to staff (a snapshot: later corrections publish again)."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("月份")  # first day of the month
    rows = models.JSONField("明细")
    published_at = models.DateTimeField("公布时间", auto_now_add=True)
    published_by = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="公布人"
    )

    class Meta:
        verbose_name = verbose_name_plural = "月度考勤表"
        ordering = ["-month", "-published_at"]


class PostCheck(models.Model):
    """A spot check (查岗) that found the person away from the post, or a stretch away from the post (离岗), entered
    by a team lead or supervisor. Judged by rules.judge_spot_check / judge_left_post and fed to discipline as
    evidence (002:L75, 000:L30-31, 003:L444-445)."""

    class Kind(models.TextChoices):
        SPOT_CHECK = "spot_check", _("查岗不在岗")
        LEFT_POST = "left_post", _("离岗")

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="post_checks", verbose_name="员工")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    at = models.DateTimeField("查岗或离岗时间")
    until = models.DateTimeField("说明或返岗时间", null=True, blank=True)  # null: no explanation given (yet)
    finding = models.CharField(
        "认定", max_length=20
    )  # rules: absent_from_post / absenteeism / early_leave / left_post / ""
    minutes = models.PositiveIntegerField("分钟数", default=0)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "查岗与离岗记录"
        ordering = ["-at"]
        indexes = [models.Index(fields=["staff", "at"])]

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

    staff = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="leave_requests", verbose_name="申请人")
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
    class State(models.TextChoices):
        REQUESTED = "requested", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")
        CANCELLED = "cancelled", _("已撤销")

    requester = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="swaps_requested", verbose_name="申请人")
    counterpart = models.ForeignKey("org.Staff", on_delete=models.CASCADE, related_name="swaps_offered", verbose_name="对方")
    requester_shift_start = models.DateTimeField("申请人原班次开始")
    requester_shift_end = models.DateTimeField("申请人原班次结束")
    counterpart_shift_start = models.DateTimeField("对方原班次开始")
    counterpart_shift_end = models.DateTimeField("对方原班次结束")
    reason = models.CharField("事由", max_length=300)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.REQUESTED)
    approvals = models.JSONField("班长审批", default=list)  # [{"staff_no", "for", "at", "decision"}], 002:L78
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
    published_by = models.ForeignKey("org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="公布人")

    class Meta:
        verbose_name = verbose_name_plural = "月度考勤表"
        ordering = ["-month", "-published_at"]

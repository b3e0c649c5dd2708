"""Shift templates, rosters (draft → published), assignments, agents' requests and manual edits."""

from django.db import models

from kefu.org.models import Center, Staff


class ShiftTemplate(models.Model):
    """A shift of the center (白班 08:00-17:00 …), created from the roster policy (000:L180-189, 004:L741)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="shift_templates", verbose_name="中心")
    code = models.CharField("代码", max_length=8)
    name = models.CharField("名称", max_length=30)
    start = models.TimeField("开始时间")
    minutes = models.PositiveIntegerField("时长（分钟）")
    night = models.BooleanField("夜班", default=False)
    color = models.CharField("颜色", max_length=9, default="#d9d9d9")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "班次模板"
        ordering = ["start", "code"]
        constraints = [models.UniqueConstraint(fields=["center", "code"], name="roster_template_code_unique")]

    def __str__(self) -> str:
        end_min = (self.start.hour * 60 + self.start.minute + self.minutes) % 1440
        return f"{self.name} {self.start:%H:%M}-{end_min // 60:02d}:{end_min % 60:02d}"


class Roster(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="rosters", verbose_name="中心")
    start = models.DateField("开始日期")
    days = models.PositiveSmallIntegerField("天数")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    # Everything the engine was given (policy, agents, requirement, holidays, requests), so that manual
    # edits are checked against the same rules the roster was generated with.
    inputs = models.JSONField("排班输入", default=dict)
    report = models.JSONField("规则检查报告", default=dict)
    solver_status = models.CharField("求解状态", max_length=20, blank=True)
    objective = models.IntegerField("目标值", null=True, blank=True)
    created_by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="生成人")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发布人"
    )

    class Meta:
        verbose_name = verbose_name_plural = "排班表"
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"{self.start} 起 {self.days} 天（{self.get_status_display()}）"


class Assignment(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="assignments", verbose_name="排班表")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roster_assignments", verbose_name="员工")
    day = models.DateField("日期")
    shift = models.ForeignKey(
        ShiftTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="班次"
    )  # null: 应急备班 (on call, 004:L787)
    code = models.CharField("班次代码", max_length=8)

    class Meta:
        verbose_name = verbose_name_plural = "排班"
        constraints = [models.UniqueConstraint(fields=["roster", "staff", "day"], name="roster_assignment_unique")]
        indexes = [models.Index(fields=["day"])]


class RosterRequest(models.Model):
    """An agent's wish for the next roster: a day off, or a shift to get or avoid (weighted, soft)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", "申请休息"
        SHIFT_ON = "shift_on", "希望上某班"
        SHIFT_OFF = "shift_off", "避开某班"

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="roster_requests", verbose_name="员工")
    day = models.DateField("日期")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    shift_code = models.CharField("班次代码", max_length=8, blank=True)
    weight = models.PositiveSmallIntegerField("权重", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "排班请求"
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(fields=["staff", "day", "kind", "shift_code"], name="roster_request_unique")
        ]


class RosterEdit(models.Model):
    """A manual change of one cell, with the soft-rule warnings it was accepted with."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="edits", verbose_name="排班表")
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="+", verbose_name="员工")
    day = models.DateField("日期")
    old_code = models.CharField("原班次", max_length=8, blank=True)
    new_code = models.CharField("新班次", max_length=8, blank=True)
    warnings = models.JSONField("警告", default=list)
    by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="修改人")
    at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "排班修改记录"
        ordering = ["-at", "-id"]

"""Scorecards (versioned), monitoring samples, evaluations with their marks, appeals, calibrations,
and the per-shift QA summaries delivered to the team lead (004:L943).

Calls (kefu.telephony) and work orders (kefu.tickets) are referenced by a nullable integer key plus a
snapshot of what the inspector needs, looked up lazily (kefu.quality.links) so this app works while
those apps are absent.
"""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from kefu.org.models import Center, Staff, Team
from kefu.quality import machine


def _state_choice(state: str):
    """An evaluation state's label from the machine's catalogue (kefu/quality/messages.py), read when shown."""
    return lazy(lambda: str(machine.MACHINE.state_label(state)), str)()


class Scorecard(models.Model):
    """One version of a QA form. Editing a form publishes a new version; evaluations keep theirs."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="scorecards", verbose_name="中心")
    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=100)
    version = models.PositiveIntegerField("版本", default=1)
    is_active = models.BooleanField("当前版本", default=True)
    created_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发布人"
    )
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "质检评分表"
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["center", "code", "version"], name="scorecard_version_unique")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class ScorecardItem(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="items", verbose_name="评分表")
    key = models.SlugField("代码", max_length=40)
    section = models.CharField("分组", max_length=40, blank=True)
    label = models.CharField("评分项", max_length=200)
    points = models.PositiveSmallIntegerField("分值")
    is_critical = models.BooleanField("红线项", default=False)
    seed = models.CharField("依据", max_length=100, blank=True)
    position = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "评分项"
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["scorecard", "key"], name="scorecard_item_key_unique")]

    def __str__(self) -> str:
        return self.label


class SamplingRun(models.Model):
    """The month's monitoring sample (4–5 calls per agent, 004:L1531); one per center and month."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    month = models.DateField("月份")  # first day of the month
    seed = models.CharField("随机种子", max_length=60)
    per_agent = models.PositiveSmallIntegerField("每人抽样数")
    min_talk_seconds = models.PositiveIntegerField("最短通话（秒）")
    created_by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    shortfalls = models.JSONField("不足名单", default=dict, blank=True)  # staff_no -> missing count

    class Meta:
        verbose_name = verbose_name_plural = "监听抽样"
        constraints = [models.UniqueConstraint(fields=["center", "month"], name="sampling_month_unique")]


class Calibration(models.Model):
    """Several inspectors score the same call; their agreement is compared (校准)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    title = models.CharField("标题", max_length=100)
    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="+", verbose_name="评分表")
    call_ref = models.BigIntegerField("通话记录ID", null=True, blank=True)
    call_id = models.CharField("通话流水号", max_length=64)
    agent = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name="被监听人")
    created_by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="发起人")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "质检校准"
        ordering = ["-created_at"]


class Evaluation(models.Model):
    """One monitored call scored by one inspector (监听记录, 004:L1525–1537)."""

    class Source(models.TextChoices):
        SAMPLE = "sample", _("月度抽样")
        SPOT = "spot", _("抽查")
        CALIBRATION = "calibration", _("校准")

    STATES = [(s, _state_choice(s)) for s in machine.STATES]

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.PROTECT, related_name="evaluations", verbose_name="评分表版本"
    )
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.SAMPLE)
    sampling_run = models.ForeignKey(
        SamplingRun, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluations", verbose_name="抽样"
    )
    calibration = models.ForeignKey(
        Calibration, null=True, blank=True, on_delete=models.CASCADE, related_name="evaluations", verbose_name="校准"
    )
    # The call: telephony.Call primary key (no FK until that app is stable) and a snapshot.
    call_ref = models.BigIntegerField("通话记录ID", null=True, blank=True, db_index=True)
    call_id = models.CharField("通话流水号", max_length=64)
    call_type = models.CharField("通话类型", max_length=40, blank=True)
    offered_at = models.DateTimeField("来电时间", null=True, blank=True)
    talk_seconds = models.PositiveIntegerField("通话时长（秒）", null=True, blank=True)
    order_ref = models.BigIntegerField("工单ID", null=True, blank=True)
    agent = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="qa_evaluations", verbose_name="被监听人")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="班组"
    )
    inspector = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="qa_scored", verbose_name="质检员")
    state = models.CharField("状态", max_length=20, choices=STATES, default=machine.ASSIGNED, db_index=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True, db_index=True)
    total = models.DecimalField("得分", max_digits=5, decimal_places=2, null=True, blank=True)
    raw_total = models.DecimalField("红线前得分", max_digits=5, decimal_places=2, null=True, blank=True)
    critical_failed = models.BooleanField("红线失败", default=False)
    notes = models.TextField("评语", blank=True)
    acknowledged_at = models.DateTimeField("确认时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)  # +1 on every transition (kefu.workflow.fire)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "监听评分"
        ordering = ["-scored_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["calibration", "inspector"],
                condition=models.Q(calibration__isnull=False),
                name="calibration_one_sheet_per_inspector",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} · {self.agent.staff_no}"

    @property
    def state_label(self) -> str:
        return str(machine.MACHINE.state_label(self.state))


class EvaluationMark(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="marks", verbose_name="评分")
    item = models.ForeignKey(ScorecardItem, on_delete=models.PROTECT, related_name="+", verbose_name="评分项")
    awarded = models.DecimalField("得分", max_digits=5, decimal_places=2)
    failed = models.BooleanField("红线失败", default=False)
    comment = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分明细"
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="mark_once_per_item")]


class Appeal(models.Model):
    """The agent's appeal of a score; the team lead upholds or revises it."""

    evaluation = models.OneToOneField(Evaluation, on_delete=models.CASCADE, related_name="appeal", verbose_name="评分")
    reason = models.TextField("申诉理由")
    filed_at = models.DateTimeField("申诉时间", auto_now_add=True)
    original_total = models.DecimalField("原得分", max_digits=5, decimal_places=2)
    decided_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="处理班长"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision = models.CharField("结果", max_length=20, blank=True)  # upheld / revised
    decision_note = models.TextField("处理意见", blank=True)
    revised_total = models.DecimalField("改后得分", max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "质检申诉"


class Transition(models.Model):
    """History of an evaluation's state changes."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="history", verbose_name="评分")
    name = models.CharField("动作", max_length=20)
    src = models.CharField("原状态", max_length=20)
    dst = models.CharField("新状态", max_length=20)
    actor = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间", auto_now_add=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评分流转"
        ordering = ["at", "id"]

    @property
    def label(self) -> str:
        names = {t.name: t for t in machine.MACHINE.transitions}
        return str(machine.MACHINE.transition_label(names[self.name])) if self.name in names else self.name


class ShiftReport(models.Model):
    """A shift's QA results handed to the team lead after the shift (每班后交给班长, 004:L943, L951)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name="班组")
    shift_date = models.DateField("日期")
    shift_code = models.CharField("班次", max_length=20)
    inspector = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="质检员")
    lead = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="班长")
    delivered_at = models.DateTimeField("交班长时间", auto_now_add=True)
    read_at = models.DateTimeField("班长阅读时间", null=True, blank=True)
    summary = models.JSONField("汇总", default=dict)

    class Meta:
        verbose_name = verbose_name_plural = "班次质检汇总"
        ordering = ["-shift_date", "shift_code"]
        constraints = [models.UniqueConstraint(fields=["team", "shift_date", "shift_code"], name="shift_report_unique")]

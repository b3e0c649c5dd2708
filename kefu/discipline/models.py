"""The violation register, its history, dismissal proposals, rewards, the fines fund ledger and the monthly appraisal.

Events and history keep a message code and its parameters (kefu/messages.py), never prose."""

from django.db import models

from kefu.org.models import Center, Department, Staff


class StaffRecord(models.Model):
    """What the appraisal needs of a staff member beyond the staff record: the rank that sets the bonus base (000:L84)
    and the appraisal status (on probation, or suspended 待岗: not graded, 000:L82). The employment type is the staff
    record's own (kefu.org Staff.employment; temporary staff are not graded, 000:L86), never kept here."""

    class Status(models.TextChoices):
        ACTIVE = "active", "在岗"
        PROBATION = "probation", "试用期"
        SUSPENDED = "suspended", "待岗"

    staff = models.OneToOneField(Staff, on_delete=models.CASCADE, related_name="discipline_record", verbose_name="员工")
    rank = models.CharField("职级（考核奖基数）", max_length=30, default="staff")
    status = models.CharField("考评状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = verbose_name_plural = "考核档案"


class Violation(models.Model):
    class Source(models.TextChoices):
        ATTENDANCE = "attendance", "考勤记录"
        QA = "qa", "质检评分"
        TICKETS = "tickets", "工单超时"
        MANUAL = "manual", "录入"

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="violations", verbose_name="当事人")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="部门"
    )
    type_code = models.CharField("违规类型", max_length=40)
    occurred_on = models.DateField("违规日期", db_index=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.MANUAL)
    evidence_key = models.CharField("证据标识", max_length=120, blank=True)  # idempotent recording from evidence
    evidence = models.JSONField("证据", default=dict)  # a message: {"code", "params"}
    note = models.CharField("证据说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="录入人"
    )
    occurrence = models.PositiveSmallIntegerField("本期次数", default=1)
    sanction = models.JSONField("处罚", default=dict)  # ladder.sanction_to_data
    state = models.CharField("状态", max_length=20, default="recorded", db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    appeal_due = models.DateField("申诉期限")
    appeal_reason = models.CharField("申诉理由", max_length=500, blank=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "违规记录"
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["center", "staff", "occurred_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "evidence_key"],
                condition=~models.Q(evidence_key=""),
                name="violation_once_per_evidence",
            )
        ]


class ViolationEvent(models.Model):
    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="events", verbose_name="违规记录")
    code = models.CharField("事件", max_length=80)
    params = models.JSONField("参数", default=dict)
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20, blank=True)
    actor = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人")
    at = models.DateTimeField("时间")

    class Meta:
        verbose_name = verbose_name_plural = "违规记录历史"
        ordering = ["at", "id"]


class DismissalProposal(models.Model):
    """A dismissal step of a ladder: proposed to HR, decided by the manager; never carried out by kefu."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    violation = models.OneToOneField(
        Violation, on_delete=models.CASCADE, related_name="proposal", verbose_name="违规记录"
    )
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+", verbose_name="当事人")
    forfeit_salary = models.BooleanField("无当月工资", default=False)
    state = models.CharField("状态", max_length=20, default="proposed")
    version = models.PositiveIntegerField("版本", default=1)
    hr_note = models.CharField("人事意见", max_length=500, blank=True)
    decision_note = models.CharField("决定意见", max_length=500, blank=True)
    decided_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="决定人"
    )
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "开除建议"
        ordering = ["-created_at"]


class FundEntry(models.Model):
    """One line of a department's activity fund (部门活动经费, 000:L203): a fine in, a reversal, or spending out."""

    class Kind(models.TextChoices):
        FINE = "fine", "罚款"
        REVERSAL = "reversal", "冲销"
        SPENDING = "spending", "支出"

    class State(models.TextChoices):
        POSTED = "posted", "已入账"
        SUBMITTED = "submitted", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="部门"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    amount = models.DecimalField("金额", max_digits=10, decimal_places=2)  # positive; the kind gives the sign
    on = models.DateField("日期", db_index=True)
    violation = models.ForeignKey(
        Violation, null=True, blank=True, on_delete=models.PROTECT, related_name="fund_entries", verbose_name="违规记录"
    )
    description = models.JSONField("摘要", default=dict)  # a message for fines and reversals
    purpose = models.CharField("用途", max_length=200, blank=True)  # spending: as entered
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.POSTED)
    entered_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="录入人"
    )
    approved_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="审批人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门活动经费"
        ordering = ["on", "id"]


class FundPublication(models.Model):
    """The month's ledger as published to the department (a snapshot)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="部门"
    )
    month = models.DateField("月份")
    rows = models.JSONField("明细")
    balance = models.DecimalField("余额", max_digits=10, decimal_places=2)
    published_by = models.ForeignKey(
        Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="公布人"
    )
    published_at = models.DateTimeField("公布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "经费公布"
        ordering = ["-month", "-published_at"]


class Reward(models.Model):
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="rewards", verbose_name="员工")
    type_code = models.CharField("奖励类型", max_length=40)
    amount = models.DecimalField("金额", max_digits=10, decimal_places=2)
    month = models.DateField("月份")
    reason = models.CharField("事由", max_length=500)
    state = models.CharField("状态", max_length=12, default="proposed")  # proposed / approved / rejected
    proposed_by = models.ForeignKey(
        Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="提出人"
    )
    decided_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="审批人"
    )
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "奖励"
        ordering = ["-month", "-id"]


class AppraisalMonth(models.Model):
    """A center's month of appraisal and bonus: computed, then made final by the manager (the payroll sheet)."""

    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    month = models.DateField("月份")
    final = models.BooleanField("已定稿", default=False)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    finalised_by = models.ForeignKey(
        Staff, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="定稿人"
    )
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度考核"
        constraints = [models.UniqueConstraint(fields=["center", "month"], name="appraisal_month_once")]


class Appraisal(models.Model):
    period = models.ForeignKey(AppraisalMonth, on_delete=models.CASCADE, related_name="rows", verbose_name="月度考核")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="appraisals", verbose_name="员工")
    graded = models.BooleanField("参加考评", default=True)
    violations = models.PositiveSmallIntegerField("违规次数", default=0)
    supervised = models.PositiveSmallIntegerField("督办次数", default=0)
    grade = models.CharField("等次", max_length=12, blank=True)
    reasons = models.JSONField("等次依据", default=list)
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    base = models.DecimalField("考核奖基数", max_digits=10, decimal_places=2, default=0)
    deductions = models.DecimalField("扣款", max_digits=10, decimal_places=2, default=0)
    forfeit = models.BooleanField("取消当月考核奖", default=False)
    rewards = models.DecimalField("奖励", max_digits=10, decimal_places=2, default=0)
    fines = models.DecimalField("罚款", max_digits=10, decimal_places=2, default=0)
    bonus = models.DecimalField("考核奖", max_digits=10, decimal_places=2, default=0)
    form_submitted_on = models.DateField("考评表提交日期", null=True, blank=True)
    opinion_on = models.DateField("初步意见日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "个人月度考核"
        constraints = [models.UniqueConstraint(fields=["period", "staff"], name="appraisal_once_per_month")]


class TeamRules(models.Model):
    """A group's own reward-and-penalty scheme, set by its team lead (004:L913 话务班长: 制定…奖惩办法): overrides of
    the center's discipline policy (violation types and their ladders, rewards) for the group's members only."""

    team = models.OneToOneField(
        "org.Team", on_delete=models.CASCADE, related_name="discipline_rules", verbose_name="班组"
    )
    overrides = models.JSONField("班组奖惩办法", default=dict)
    version = models.PositiveIntegerField("版本", default=1)
    updated_by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "班组奖惩办法"


class TeamRulesChange(models.Model):
    """Every change of a group's scheme: before and after, who and when (audited as well)."""

    rules = models.ForeignKey(TeamRules, on_delete=models.CASCADE, related_name="changes", verbose_name="班组奖惩办法")
    before = models.JSONField("修改前", default=dict)
    after = models.JSONField("修改后", default=dict)
    by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="修改人")
    at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "班组奖惩办法修改记录"
        ordering = ["-at", "-id"]


class TeamStandard(models.Model):
    """A group's own standards beyond fines, set by its team lead (004:L913 话务班长: 制定班组的规章制度、用语规范):
    the work rules (free-text sections) or the phrase standards (the group's additions to the center's standard and
    discouraged phrases; the phrase checker flags the additions in its members' texts). Versioned: each change is
    kept whole, before and after (TeamStandardChange), and audited."""

    class Kind(models.TextChoices):
        WORK_RULES = "work_rules", "班组规章制度"
        PHRASES = "phrases", "班组用语规范"

    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="standards", verbose_name="班组")
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    # work_rules: {"sections": [{"title", "text"}]}; phrases: {"standard": [{"situation", "title", "text"}],
    # "discouraged": [{"phrase", "suggestion"}]}
    content = models.JSONField("内容", default=dict)
    version = models.PositiveIntegerField("版本", default=0)
    updated_by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="修改人")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "班组规章与用语规范"
        constraints = [models.UniqueConstraint(fields=["team", "kind"], name="team_standard_once_per_kind")]


class TeamStandardChange(models.Model):
    """One version of a group's work rules or phrase standards: the whole content before and after, who and when."""

    standard = models.ForeignKey(
        TeamStandard, on_delete=models.CASCADE, related_name="changes", verbose_name="班组规章与用语规范"
    )
    version = models.PositiveIntegerField("版本")
    before = models.JSONField("修改前", default=dict)
    after = models.JSONField("修改后", default=dict)
    by = models.ForeignKey(Staff, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="修改人")
    at = models.DateTimeField("修改时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "班组规章与用语规范修改记录"
        ordering = ["-version", "-id"]

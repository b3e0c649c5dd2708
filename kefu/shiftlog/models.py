"""The shift handover diary (交班日记 / 交接班日志, 004:L663; 交接记录本, 003:L18; 交接日志, 002:L67).

A Handover is one outgoing → incoming handover of one shift. Its items (交接事项) are kept apart and
linked per handover, so an item not closed is carried to the holder's next handover until someone
closes it (who and when are recorded). Issues record omissions and mis-receipts with the liable side
(004:L669).
"""

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from kefu.shiftlog.machine import HANDOVER, State
from kefu.shiftlog.rules import ISSUE_LABELS, IssueKind, Side


def _state_choice(state: str):
    """A handover state's label from the machine's catalogue (kefu/shiftlog/messages.py), read when shown."""
    return lazy(lambda: str(HANDOVER.state_label(state)), str)()


class Handover(models.Model):
    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="handovers", verbose_name="中心")
    shift_code = models.CharField("班次代码", max_length=20)
    shift_name = models.CharField("班次", max_length=20)
    shift_date = models.DateField("班次日期", db_index=True)  # the day the shift starts
    shift_start = models.DateTimeField("上班时间")
    shift_end = models.DateTimeField("下班时间")
    sign_out_due = models.DateTimeField("交班签字期限")
    countersign_due = models.DateTimeField("接班签字期限")
    outgoing = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, related_name="handovers_out", verbose_name="交班人"
    )
    incoming = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, null=True, blank=True, related_name="handovers_in", verbose_name="接班人"
    )
    state = models.CharField(
        "状态",
        max_length=20,
        choices=[(s.value, _state_choice(s.value)) for s in State],
        default=State.DRAFT,
        db_index=True,
    )
    equipment_state = models.TextField("设备/系统情况", blank=True)  # 002:L67, 004:L809
    notes = models.TextField("其他交代事项", blank=True)  # business changes, instructions (002:L18)
    signed_out_at = models.DateTimeField("交班签字时间", null=True, blank=True)
    signed_out_no = models.CharField("交班签字工号", max_length=20, blank=True)
    countersigned_at = models.DateTimeField("接班签字时间", null=True, blank=True)
    countersigned_no = models.CharField("接班签字工号", max_length=20, blank=True)
    return_reason = models.CharField("最近一次退回原因", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "交接班日志"
        ordering = ["-shift_end", "-id"]
        indexes = [models.Index(fields=["center", "state", "shift_end"], name="handover_center_state_end")]
        constraints = [
            models.UniqueConstraint(fields=["outgoing", "shift_date", "shift_code"], name="handover_one_per_shift"),
        ]

    def __str__(self) -> str:
        return f"{self.shift_date} {self.shift_name} {self.outgoing_id}"


class HandoverEvent(models.Model):
    """One step of a handover's history: created, signed, countersigned, returned, item closed…

    Stored as a message code with parameters (`code`, `params`), rendered in the reader's language when shown; `note`
    is what the person typed. `name` is the Chinese wording of rows written before the codes (shown as it is)."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="events", verbose_name="交接班日志")
    at = models.DateTimeField("时间", auto_now_add=True)
    staff_no = models.CharField("工号", max_length=20)
    code = models.CharField("动作代码", max_length=80, blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    name = models.CharField("动作", max_length=30, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    @property
    def label(self) -> str:
        from kefu.messages import Msg

        return str(Msg(self.code, self.params)) if self.code else self.name

    class Meta:
        verbose_name = verbose_name_plural = "交接班记录"
        ordering = ["at", "id"]


class Item(models.Model):
    """A handover item (交接事项). Open until closed; carried over from handover to handover."""

    class Kind(models.TextChoices):
        ORDER = "order", _("在办工单")  # orders in progress; free reference + optional order id (tickets)
        CALLBACK = "callback", _("待回电")  # callbacks due
        PROSPECT = "prospect", _("待联系潜在客户")  # 003:L18 哪些潜在客户是需要去联系的
        URGENT = "urgent", _("紧急待办")  # 003:L18 哪些事情是要赶紧处理的
        INCIDENT = "incident", _("事件/疑难问题")  # 002:L67 疑难问题
        EQUIPMENT = "equipment", _("设备/系统故障")  # 002:L67 设备情况, 004:L685 tracked until eliminated
        OTHER = "other", _("其他")

    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="handover_items", verbose_name="中心"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    text = models.CharField("事项", max_length=500)
    order_ref = models.CharField("工单编号", max_length=40, blank=True)
    order_id = models.PositiveBigIntegerField(
        "工单ID", null=True, blank=True, db_index=True
    )  # no FK: tickets is another app
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="客户"
    )
    due_at = models.DateTimeField("处理期限", null=True, blank=True)
    # A problem arising during the handover itself: the outgoing side handles it to a stopping point
    # before the diary can be signed (004:L667).
    during_handover = models.BooleanField("交接时发生的问题", default=False)
    holder = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, related_name="held_items", verbose_name="当前负责人"
    )
    origin = models.ForeignKey(
        Handover, on_delete=models.CASCADE, related_name="created_items", verbose_name="首次登记于"
    )
    created_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True, db_index=True)
    closed_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="关闭人"
    )
    close_note = models.CharField("处理结果", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "交接事项"
        ordering = ["created_at", "id"]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Line(models.Model):
    """An item as it appears in one handover; `carried` when it came from an earlier handover."""

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="lines", verbose_name="交接班日志")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="lines", verbose_name="交接事项")
    carried = models.BooleanField("上班遗留", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "交接事项明细"
        ordering = ["item__created_at", "item_id"]
        constraints = [models.UniqueConstraint(fields=["handover", "item"], name="handover_line_unique")]


class Issue(models.Model):
    """An omission, wrong handover or mis-receipt found after signing, with the liable side (004:L669)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待认定")
        DISPUTED = "disputed", _("有异议")
        UPHELD = "upheld", _("责任成立")
        DISMISSED = "dismissed", _("不予认定")

    handover = models.ForeignKey(Handover, on_delete=models.CASCADE, related_name="issues", verbose_name="交接班日志")
    kind = models.CharField("类型", max_length=20, choices=[(k.value, _(ISSUE_LABELS[k])) for k in IssueKind])
    description = models.CharField("情况说明", max_length=500)
    side = models.CharField(
        "责任方", max_length=10, choices=[(Side.OUTGOING.value, _("交班人")), (Side.INCOMING.value, _("接班人"))]
    )
    responsible = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, related_name="handover_issues", verbose_name="责任人"
    )
    reported_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="登记人")
    reported_at = models.DateTimeField("登记时间", auto_now_add=True)
    status = models.CharField("认定状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    dispute_reason = models.CharField("异议理由", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="认定人"
    )
    decided_at = models.DateTimeField("认定时间", null=True, blank=True)
    decision_note = models.CharField("认定意见", max_length=300, blank=True)
    version = models.PositiveIntegerField("版本", default=1)  # +1 on every transition (kefu.workflow.fire)

    class Meta:
        verbose_name = verbose_name_plural = "交接责任记录"
        ordering = ["-reported_at", "-id"]

"""Work orders (工单/定单), their history, reminders, escalations, compensation and the case library."""

from __future__ import annotations

from django.db import models

from kefu.tickets import machine


class Order(models.Model):
    """One customer request: consultation, complaint, suggestion, appeal or coordination order (004:L2001-2219)."""

    Kind = models.TextChoices("Kind", {k.upper(): (k, v) for k, v in machine.KINDS.items()})
    State = models.TextChoices("State", {k.upper(): (k, v) for k, v in machine.STATES.items()})

    class ComplainantType(models.TextChoices):  # 004:L2001, L2055
        ORDINARY = "ordinary", "普通客户"
        KEY_ACCOUNT = "key_account", "大客户"
        DISTRIBUTOR = "distributor", "代理分销商"

    class Channel(models.TextChoices):  # 004:L2021-2023, L2143
        PHONE = "phone", "电话"
        RECORDING = "recording", "自动录音受理"
        CALLBACK = "callback", "预约回呼"
        LETTER = "letter", "信函"
        FAX = "fax", "传真"
        EMAIL = "email", "电子邮件"
        WEB = "web", "网站"

    class ReplyMethod(models.TextChoices):
        PHONE = "phone", "电话"
        SMS = "sms", "短信"
        LETTER = "letter", "信函"
        EMAIL = "email", "电子邮件"

    class Complexity(models.TextChoices):  # 004:L1247
        SIMPLE = "simple", "简单"
        COMPLEX = "complex", "复杂"

    class AppealLevel(models.TextChoices):  # 004:L2145, L2189
        MAJOR = "major", "重大紧急投诉"
        GENERAL = "general", "一般投诉"
        COMPLEX = "complex", "复杂投诉"

    class Forwarding(models.TextChoices):  # 004:L2177
        NONE = "", "—"
        PENDING = "pending", "待转递"
        FORWARDED = "forwarded", "已转递"
        FAILED = "failed", "转递失败"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="orders", verbose_name="中心")
    number = models.CharField("工单流水号", max_length=20, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    state = models.CharField("状态", max_length=20, choices=State.choices, default=machine.ACCEPTED, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="orders", verbose_name="客户"
    )
    complainant_type = models.CharField(
        "投诉人类型", max_length=20, choices=ComplainantType.choices, default=ComplainantType.ORDINARY
    )
    # The category is the center's policy data (kefu/tickets/policy.py "categories"); the order keeps what it was
    # created with: the code, its labels, and the routing (default department and its time limit) resolved then.
    category = models.CharField("类别", max_length=40, default="service")
    category_names = models.JSONField("类别名称", default=dict, blank=True)  # {"name": 中文, "name_en": English}
    route_department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="默认承办部门",
    )
    route_time_limit = models.JSONField("承办时限", null=True, blank=True)  # {"unit", "amount"} or None
    complained_unit = models.CharField("被投诉单位", max_length=100, blank=True)
    channel = models.CharField("受理方式", max_length=20, choices=Channel.choices, default=Channel.PHONE)
    callback_at = models.DateTimeField("预约回呼时间", null=True, blank=True)
    subject = models.CharField("主题", max_length=100)
    event_time = models.DateTimeField("事件发生时间", null=True, blank=True)
    event_place = models.CharField("事件发生地点", max_length=100, blank=True)
    description = models.TextField("事件描述")
    expected_result = models.CharField("期望结果", max_length=500, blank=True)
    reply_method = models.CharField("回复方式", max_length=10, choices=ReplyMethod.choices, default=ReplyMethod.PHONE)
    level = models.PositiveSmallIntegerField("投诉级别", default=1)
    complexity = models.CharField("复杂程度", max_length=10, choices=Complexity.choices, default=Complexity.SIMPLE)
    is_cross_province = models.BooleanField("跨省", default=False)
    station = models.CharField("工位", max_length=50, blank=True)
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name="处理部门",
    )
    recording_ref = models.CharField("录音文件", max_length=200, blank=True)  # 004:L2029
    operation_serial = models.CharField("操作流水", max_length=50, blank=True)  # 004:L2031

    is_invalid = models.BooleanField("无效投诉", default=False)
    review_opinion = models.CharField("复核意见", max_length=500, blank=True)
    is_repeat = models.BooleanField("重复投诉", default=False)
    original = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats", verbose_name="原工单"
    )
    priority = models.PositiveSmallIntegerField("优先级", default=0)
    is_key_account = models.BooleanField("大客户", default=False)
    assigned_group = models.CharField("受理组", max_length=30, blank=True)  # senior_agent for key accounts (004:L2019)
    assigned_to = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="指派座席"
    )
    # Duplicates and splits (issue 17): a merged duplicate points at the order it was merged into; a split-off order
    # at the order it was split from. The dispatcher who took the order at the desk ("我来处理") until it is dispatched.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged", verbose_name="合并到"
    )
    merged_at = models.DateTimeField("合并时间", null=True, blank=True)
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="split_off", verbose_name="拆分自"
    )
    claimed_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="派单台处理人"
    )

    appeal_source = models.CharField("申诉来源", max_length=50, blank=True)
    appeal_level = models.CharField("申诉级别", max_length=10, choices=AppealLevel.choices, blank=True)
    appeal_is_new = models.BooleanField("新申诉", default=True)
    verification_request = models.TextField("核实请求", blank=True)
    verification_result = models.TextField("核实结果", blank=True)
    arbitration_result = models.CharField("仲裁结果", max_length=20, blank=True)
    report = models.TextField("行文上报", blank=True)

    coordination_origin = models.CharField("发生地地市", max_length=50, blank=True)
    handling_prefecture = models.CharField("处理地地市", max_length=50, blank=True)
    forwarding_status = models.CharField("转递状况", max_length=10, choices=Forwarding.choices, blank=True, default="")

    acceptor = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, related_name="accepted_orders", verbose_name="受理人"
    )
    reviewer = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="复核人"
    )
    dispatcher = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="派单人"
    )
    handler = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="处理人"
    )
    feedback_giver = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="反馈人"
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="受理班组"
    )

    accepted_at = models.DateTimeField("受理时间", db_index=True)
    reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    processed_at = models.DateTimeField("处理时间", null=True, blank=True)
    replied_at = models.DateTimeField("首次回复时间", null=True, blank=True)
    last_replied_at = models.DateTimeField("最近回复时间", null=True, blank=True)
    archived_at = models.DateTimeField("归档时间", null=True, blank=True)

    due_at = models.DateTimeField("解决时限", null=True, blank=True)  # level deadline (004:L1293-1299) or 规定时间
    due_met_at = models.DateTimeField("时限达成时间", null=True, blank=True)
    promise_due_at = models.DateTimeField("承诺回复时限", null=True, blank=True)  # 2 h / 24 h (004:L1247)
    promise_met_at = models.DateTimeField("承诺达成时间", null=True, blank=True)
    handling_deadline = models.DateTimeField("部门处理时限", null=True, blank=True)
    is_overdue = models.BooleanField("已超时", default=False, db_index=True)
    overdue_at = models.DateTimeField("超时时间", null=True, blank=True)
    overdue_reason = models.CharField("超时原因", max_length=500, blank=True)

    dispatch_opinion = models.CharField("派送意见", max_length=500, blank=True)
    result = models.TextField("解决情况", blank=True)
    cause = models.CharField("原因", max_length=500, blank=True)
    return_reason = models.CharField("退单原因", max_length=500, blank=True)
    transfer_reason = models.CharField("转派原因", max_length=500, blank=True)
    reply_opinion = models.TextField("回复意见", blank=True)
    satisfaction = models.CharField("满意度", max_length=20, blank=True)
    reply_count = models.PositiveSmallIntegerField("回复次数", default=0)
    final_reply = models.TextField("最终回复", blank=True)
    analysis = models.TextField("归档分析", blank=True)
    is_typical = models.BooleanField("典型案例", default=False)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单"
        ordering = ["-priority", "-accepted_at", "-id"]
        indexes = [
            models.Index(fields=["center", "state", "kind"]),
            models.Index(fields=["customer", "category", "accepted_at"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return machine.label_of(self.state)


class OrderEvent(models.Model):
    """One line of an order's history: a transition, reminder or escalation (who by 工号, when, from, to)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name="工单")
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="操作人"
    )
    staff_no = models.CharField("工号", max_length=20, blank=True)
    by_system = models.BooleanField("系统操作", default=False)  # timers and scans: no person acted
    name = models.CharField("动作", max_length=30)
    label = models.CharField("动作名称（旧）", max_length=30, blank=True)  # prose of rows written before `code`
    code = models.CharField("消息代码", max_length=80, blank=True)  # what happened: a code of tickets/messages.py
    params = models.JSONField("消息参数", default=dict, blank=True)
    note_code = models.CharField("说明代码", max_length=80, blank=True)  # the line under it, as data too
    from_state = models.CharField("原状态", max_length=20, blank=True)
    to_state = models.CharField("新状态", max_length=20)
    note = models.CharField("备注", max_length=500, blank=True)
    fields = models.JSONField("填写内容", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工单流水"
        ordering = ["at", "id"]


class Reminder(models.Model):
    """催办: sent to the handling department before (or at) its deadline (004:L2159)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="reminders", verbose_name="工单")
    at = models.DateTimeField("时间")
    to = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="接收人"
    )
    deadline = models.DateTimeField("时限")
    note = models.CharField("内容", max_length=300)

    class Meta:
        verbose_name = verbose_name_plural = "催办记录"
        constraints = [models.UniqueConstraint(fields=["order", "deadline"], name="reminder_once_per_deadline")]


class Escalation(models.Model):
    """Written escalation of an overdue order: 1 = department leader, 2 = executive in charge (004:L2181)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="escalations", verbose_name="工单")
    at = models.DateTimeField("时间")
    step = models.PositiveSmallIntegerField("级别")
    department = models.ForeignKey(
        "org.Department", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="部门"
    )
    to = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="接收人"
    )
    note = models.CharField("内容", max_length=300)

    class Meta:
        verbose_name = verbose_name_plural = "超时上报"
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "step", "department"], name="escalation_once_per_step")]


class Compensation(models.Model):
    """A compensation request approved by amount tier (002:L150-158)."""

    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    class Approver(models.TextChoices):
        SALES_MANAGER = "sales_manager", "销售经理"
        DEPUTY_GM = "deputy_gm", "副总经理"
        GM = "gm", "总经理"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="compensations", verbose_name="工单")
    amount = models.DecimalField("金额（元）", max_digits=10, decimal_places=2)
    reason = models.CharField("理由", max_length=500)
    approver = models.CharField("审批级别", max_length=20, choices=Approver.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="审批人"
    )
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.CharField("审批意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "赔偿申请"


class TypicalCase(models.Model):
    """案例库: typical cases added at archive time (004:L2171, L2219); searched during dispatch (004:L2157)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="cases", verbose_name="工单")
    title = models.CharField("标题", max_length=100)
    summary = models.TextField("摘要")
    analysis = models.TextField("分析")
    category = models.CharField("类别", max_length=40)
    tags = models.CharField("标签", max_length=100, blank=True)
    created_by = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "典型案例"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class OrderSequence(models.Model):
    """Daily counter behind GD<yyyymmdd><nnnn> numbers."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

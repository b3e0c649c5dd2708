"""Callback and return-visit tasks (回呼、回访), their attempts and history."""

from __future__ import annotations

from django.db import models


class Task(models.Model):
    """Someone to call back: a reason, a customer, a due time, an owner, attempts and a closure."""

    class Kind(models.TextChoices):
        CALLBACK = "callback", "预约回呼"
        RETURN_VISIT = "return_visit", "投诉回访"
        MEMBER_VISIT = "member_visit", "会员回访"
        NEW_BUYER = "new_buyer", "新成交买家回访"
        RECEIVED = "received", "收货买家回访"
        LONG_TERM = "long_term", "老买家回访"
        OTHER = "other", "其他回呼"

    class State(models.TextChoices):
        OPEN = "open", "待回访"
        DONE = "done", "已完成"
        CLOSED = "closed", "已结案（未完成回访）"
        CANCELLED = "cancelled", "已取消"

    class Source(models.TextChoices):
        POLICY = "policy", "按制度自动生成"
        ORDER_CALLBACK = "order_callback", "工单预约回呼"
        SHIFTLOG = "shiftlog", "交接班待回电"
        MANUAL = "manual", "手工登记"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    reason_code = models.CharField("原因代码", max_length=100)
    reason_params = models.JSONField("原因参数", default=dict, blank=True)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="客户"
    )
    order = models.ForeignKey(
        "tickets.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="工单"
    )
    owner = models.ForeignKey(
        "org.Staff", on_delete=models.PROTECT, related_name="followup_tasks", verbose_name="负责人"
    )
    due_at = models.DateTimeField("应回访时间", db_index=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices)
    source_key = models.CharField("来源键", max_length=100, blank=True)
    created_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("创建时间")
    reached_at = models.DateTimeField("联系上时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closure = models.CharField("结案方式", max_length=20, blank=True)
    result = models.CharField("回访结果", max_length=1000, blank=True)
    satisfaction = models.CharField("满意度", max_length=20, blank=True)
    attempt_count = models.PositiveSmallIntegerField("联系次数", default=0)
    overdue_notified_at = models.DateTimeField("超时提醒时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "回访任务"
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center", "source_key"],
                condition=~models.Q(source_key=""),
                name="followup_task_once_per_source",
            )
        ]
        indexes = [models.Index(fields=["center", "state", "due_at"]), models.Index(fields=["owner", "state"])]


class Attempt(models.Model):
    """One try to reach the customer: when, who, the outcome code and a note."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attempts", verbose_name="任务")
    at = models.DateTimeField("时间")
    by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="联系人")
    outcome = models.CharField("结果", max_length=20)
    note = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联系记录"
        ordering = ["at", "id"]


class TaskEvent(models.Model):
    """The task's history as data (code + parameters), rendered when shown."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events", verbose_name="任务")
    at = models.DateTimeField("时间")
    staff_no = models.CharField("工号", max_length=20, blank=True)
    code = models.CharField("事件代码", max_length=100)
    params = models.JSONField("参数", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "回访任务流水"
        ordering = ["at", "id"]


class Chase(models.Model):
    """催办 (a dispatcher's, or on the customer's request), an automatic chase when the department's deadline passes
    without feedback (004:L2159), or 督办 by a supervisor: the department's record, on the order's timeline."""

    class Kind(models.TextChoices):
        CHASE = "chase", "催办"
        AUTO = "auto", "自动催办"
        SUPERVISE = "supervise", "督办"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    order = models.ForeignKey("tickets.Order", on_delete=models.CASCADE, related_name="+", verbose_name="工单")
    department = models.ForeignKey(
        "org.Department", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="被催办部门"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    on_customer_request = models.BooleanField("应客户要求", default=False)
    by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="催办人"
    )
    at = models.DateTimeField("时间", db_index=True)
    deadline = models.DateTimeField("所催时限", null=True, blank=True)
    note = models.CharField("内容", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "催办督办记录"
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "deadline"],
                condition=models.Q(kind="auto"),
                name="followup_auto_chase_once_per_deadline",
            )
        ]


class Survey(models.Model):
    """A satisfaction survey of a replied order, sent by SMS with a signed one-time link that expires."""

    class State(models.TextChoices):
        SENT = "sent", "已发送"
        ANSWERED = "answered", "已回评"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    order = models.ForeignKey("tickets.Order", on_delete=models.CASCADE, related_name="+", verbose_name="工单")
    reply_round = models.PositiveSmallIntegerField("回复轮次", default=1)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+", verbose_name="客户")
    nonce = models.CharField("随机码", max_length=32)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SENT)
    sent_at = models.DateTimeField("发送时间")
    expires_at = models.DateTimeField("失效时间")
    answered_at = models.DateTimeField("回评时间", null=True, blank=True)
    answer = models.CharField("评价", max_length=20, blank=True)
    channel = models.CharField("渠道", max_length=10, default="sms")  # sms | ivr
    call_id = models.CharField("呼叫标识", max_length=64, blank=True)
    score = models.CharField("按键评分", max_length=10, blank=True)
    comment = models.CharField("意见", max_length=300, blank=True)
    redispatched = models.BooleanField("已重新派单", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "满意度调查"
        constraints = [
            models.UniqueConstraint(
                fields=["order", "reply_round", "channel"], name="followup_survey_once_per_reply_channel"
            )
        ]


class Campaign(models.Model):
    """An outbound campaign (外呼活动): a call list, a questionnaire (questions and answer scales as data), attempts and
    results per customer, and a retention offer shown only to the agents authorised for it."""

    class State(models.TextChoices):
        RUNNING = "running", "进行中"
        ENDED = "ended", "已结束"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    name = models.CharField("名称", max_length=60)
    purpose = models.CharField("说明", max_length=300, blank=True)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.RUNNING)
    questionnaire = models.JSONField("问卷", default=list, blank=True)
    offer_text = models.CharField("挽留优惠", max_length=500, blank=True)
    offer_roles = models.JSONField("可见优惠的角色", default=list, blank=True)
    offer_staff = models.ManyToManyField("org.Staff", blank=True, related_name="+", verbose_name="可见优惠的座席")
    created_by = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "外呼活动"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="followup_campaign_name_unique")]


class CampaignImport(models.Model):
    """One uploaded call list, once per file content (a second upload of the same file adds nothing)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="imports", verbose_name="外呼活动")
    digest = models.CharField("文件摘要", max_length=64)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    rows = models.PositiveIntegerField("行数", default=0)
    added = models.PositiveIntegerField("新增客户", default=0)
    by = models.ForeignKey("org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="上传人")
    at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = verbose_name_plural = "外呼名单导入"
        constraints = [models.UniqueConstraint(fields=["campaign", "digest"], name="followup_campaign_import_once")]


class CampaignTarget(models.Model):
    """One customer of a campaign's call list, worked by one agent at a time."""

    class State(models.TextChoices):
        OPEN = "open", "待外呼"
        DONE = "done", "已完成"
        CLOSED = "closed", "已结案（未完成）"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name="外呼活动")
    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+", verbose_name="客户")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    version = models.PositiveIntegerField("版本", default=1)
    source = models.CharField("来源", max_length=10)  # selection | upload
    note = models.CharField("名单备注", max_length=200, blank=True)
    holder = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="外呼座席"
    )
    taken_at = models.DateTimeField("领取时间", null=True, blank=True)
    added_at = models.DateTimeField("加入时间")
    attempt_count = models.PositiveSmallIntegerField("联系次数", default=0)
    reached_at = models.DateTimeField("联系上时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closure = models.CharField("结案方式", max_length=20, blank=True)
    answers = models.JSONField("问卷答案", default=dict, blank=True)
    result = models.CharField("结果说明", max_length=500, blank=True)
    offer_accepted = models.BooleanField("接受挽留优惠", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "外呼名单"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="followup_target_once")]
        indexes = [models.Index(fields=["campaign", "state"])]


class CampaignAttempt(models.Model):
    """One try to reach a customer of a campaign: the same outcome codes as callback tasks."""

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="attempts", verbose_name="名单")
    at = models.DateTimeField("时间", db_index=True)
    by = models.ForeignKey("org.Staff", on_delete=models.PROTECT, related_name="+", verbose_name="座席")
    outcome = models.CharField("结果", max_length=20)
    note = models.CharField("备注", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "外呼记录"
        ordering = ["at", "id"]


class OptOut(models.Model):
    """A customer's refusal of follow-up contact (return visits, surveys, campaigns): by replying to an SMS with the
    policy's keyword, on the survey page, or told to an agent during a call. Active until withdrawn (with a reason);
    a later refusal is a new row, so the record keeps every refusal and withdrawal."""

    class Channel(models.TextChoices):
        SMS_REPLY = "sms_reply", "短信回复退订"
        SURVEY_PAGE = "survey_page", "评价页面"
        AGENT = "agent", "座席登记"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+", verbose_name="客户")
    channel = models.CharField("途径", max_length=20, choices=Channel.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="登记人"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    withdrawn_at = models.DateTimeField("撤销时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="撤销人"
    )
    withdraw_reason = models.CharField("撤销原因", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "客户拒绝回访登记"
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="followup_one_active_optout_per_customer",
            )
        ]
        indexes = [models.Index(fields=["center", "withdrawn_at"])]


class ManagerReport(models.Model):
    """One scheduled e-mail of the manager's figures (daily or weekly), once per center, kind and period: claimed
    before it is sent, so a timer that fires twice sends it once."""

    class State(models.TextChoices):
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    kind = models.CharField("类型", max_length=10)  # daily | weekly
    first = models.DateField("期间开始")
    last = models.DateField("期间结束")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.SENDING)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    recipients = models.TextField("收件人", blank=True)
    created_at = models.DateTimeField("创建时间")
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "经理报表邮件"
        ordering = ["-first", "kind"]
        constraints = [models.UniqueConstraint(fields=["center", "kind", "first"], name="followup_report_once")]

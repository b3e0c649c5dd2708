"""Notifications: the in-app notification centre, per-person preferences, the center's delivery channels and the
outbox (one row per send, delivered by a timer with retries; never sent twice)."""

from __future__ import annotations

from django.db import models

from kefu.audit.crypto import EncryptedTextField


class Notification(models.Model):
    """One line in a person's notification centre: a message as code + parameters and a link to the thing."""

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    recipient = models.ForeignKey(
        "org.Staff", on_delete=models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    code = models.CharField("消息代码", max_length=100)
    params = models.JSONField("消息参数", default=dict, blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    urgent = models.BooleanField("紧急（升级、超时）", default=False)
    key = models.CharField("去重键", max_length=200)
    created_at = models.DateTimeField("时间", db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["recipient", "read_at"])]


class Preference(models.Model):
    """How a person wants to be reached outside the application, and when not (quiet hours)."""

    staff = models.OneToOneField(
        "org.Staff", on_delete=models.CASCADE, related_name="notify_preference", verbose_name="员工"
    )
    email = models.EmailField("电子邮箱", blank=True)
    mobile = models.CharField("手机号码", max_length=20, blank=True)
    by_email = models.BooleanField("邮件通知", default=False)
    by_sms = models.BooleanField("短信通知", default=False)
    by_wecom = models.BooleanField("企业微信群通知", default=False)
    by_dingtalk = models.BooleanField("钉钉群通知", default=False)
    quiet_start = models.TimeField("免打扰开始", null=True, blank=True)
    quiet_end = models.TimeField("免打扰结束", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知偏好"


class Channel(models.Model):
    """A center's delivery channel: the SMS provider (URL + key) or a WeCom / DingTalk group robot (webhook)."""

    class Kind(models.TextChoices):
        SMS = "sms", "短信"
        WECOM = "wecom", "企业微信群机器人"
        DINGTALK = "dingtalk", "钉钉群机器人"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    name = models.CharField("名称", max_length=50)
    url = models.CharField("地址", max_length=500)
    secret = EncryptedTextField("密钥", blank=True)  # SMS API key; DingTalk signing secret (加签)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知渠道"
        constraints = [models.UniqueConstraint(fields=["center", "kind"], name="notify_channel_one_per_kind")]

    def __str__(self) -> str:
        return self.name


class Outbox(models.Model):
    """One send: queued in the request's transaction, delivered by the timer. `key` makes a send idempotent."""

    class Via(models.TextChoices):
        EMAIL = "email", "邮件"
        SMS = "sms", "短信"
        WECOM = "wecom", "企业微信"
        DINGTALK = "dingtalk", "钉钉"

    class State(models.TextChoices):
        PENDING = "pending", "待发送"
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败（已停止重试）"
        UNKNOWN = "unknown", "结果未知（未重发）"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="+", verbose_name="中心")
    via = models.CharField("渠道", max_length=20, choices=Via.choices)
    recipient = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="接收人"
    )
    address = EncryptedTextField("地址", blank=True)  # e-mail address or mobile number
    key = models.CharField("去重键", max_length=250, unique=True)
    code = models.CharField("消息代码", max_length=100)
    params = models.JSONField("消息参数", default=dict, blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    urgent = models.BooleanField("紧急", default=False)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_at = models.DateTimeField("下次发送时间", db_index=True)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送成功时间", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = verbose_name_plural = "通知发件箱"
        ordering = ["-created_at", "-id"]

"""Forecasts, event adjustments and the floor log of the emergency staffing ladder."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ForecastAdjustment(models.Model):
    """A manual adjustment for a known event (new product push, SMS campaign, outage): 004:L765."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="forecast_adjustments", verbose_name="中心"
    )
    name = models.CharField("事件", max_length=100)
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    factor = models.FloatField("话务量倍数", default=1.0)
    extra_calls = models.FloatField("每时段增加话务量", default=0.0)
    created_by = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="创建人"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "预测调整"
        ordering = ["start"]

    def __str__(self) -> str:
        return self.name


class IntervalForecast(models.Model):
    """The forecast of one interval, kept so that last month's actual can be compared to it (五表 ④⑤, 004:L757)."""

    center = models.ForeignKey(
        "org.Center", on_delete=models.CASCADE, related_name="interval_forecasts", verbose_name="中心"
    )
    start = models.DateTimeField("时段开始")
    minutes = models.PositiveSmallIntegerField("时段长度(分钟)")
    calls = models.FloatField("预测话务量")
    aht = models.FloatField("预测平均处理时长(秒)")
    generated_at = models.DateTimeField("生成时间", auto_now=True)
    generated_by = models.ForeignKey(
        "org.Staff", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="生成人"
    )
    backtest_wape = models.FloatField("回测WAPE", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "时段预测"
        ordering = ["start"]
        constraints = [models.UniqueConstraint(fields=["center", "start"], name="wfm_forecast_interval_unique")]


class FloorState(models.Model):
    """The live state of the ladder for one center: which groups are signed in (in order) and the clocks."""

    center = models.OneToOneField(
        "org.Center", on_delete=models.CASCADE, related_name="floor_state", verbose_name="中心"
    )
    signed_in = models.JSONField("已签入组（按签入顺序）", default=list)
    high_since = models.DateTimeField("等待人数>下限起", null=True, blank=True)
    low_since = models.DateTimeField("等待人数≤签出线起", null=True, blank=True)
    last_change_at = models.DateTimeField("最近签入/签出", null=True, blank=True)
    last_waiting = models.PositiveIntegerField("最近等待人数", null=True, blank=True)
    observed_at = models.DateTimeField("最近观测", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "现场应急状态"


class FloorStep(models.Model):
    """Every step of the ladder: who proposed it (the ladder or a supervisor), who decided, when (004:L763-787)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已驳回")
        WITHDRAWN = "withdrawn", _("已撤回（条件消失）")

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", pgettext_lazy("floor step", "签入")
        SIGN_OUT = "sign_out", pgettext_lazy("floor step", "签出")

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="floor_steps", verbose_name="中心")
    action = models.CharField("动作", max_length=10, choices=Action.choices)
    group = models.CharField("人员组", max_length=30)
    label = models.CharField("人员组名称", max_length=60)
    seats = models.PositiveSmallIntegerField("台席数", null=True, blank=True)
    waiting = models.PositiveIntegerField("提议时等待人数")
    reason = models.CharField("依据", max_length=200)
    rule = models.CharField("制度条款", max_length=20)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_at = models.DateTimeField("提议时间")
    proposed_by = models.ForeignKey(
        "org.Staff",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="提议人（空=系统）",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        "org.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="处理人"
    )
    staff_nos = models.JSONField("签入/签出人员工号", default=list, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "应急排班记录"
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["center"], condition=models.Q(status="pending"), name="wfm_one_pending_step_per_center"
            )
        ]

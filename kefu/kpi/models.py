"""Stored KPI rollups: exact numerator and denominator per metric × period × breakdown key.

Dashboards sum rollups instead of recomputing raw calls: every metric is a ratio of sums
(kpi/engine.py), so a week or a month is the sum of its days.
"""

from django.db import models


class Rollup(models.Model):
    class PeriodKind(models.TextChoices):
        HALF_HOUR = "half_hour", "半小时"
        DAY = "day", "日"
        MONTH = "month", "月"

    class Breakdown(models.TextChoices):
        CENTER = "center", "全中心"
        TEAM = "team", "班组"
        AGENT = "agent", "话务员"
        CALL_TYPE = "call_type", "呼叫类型"
        VIP = "vip", "VIP"
        QUEUE = "queue", "队列"

    center = models.ForeignKey("org.Center", on_delete=models.CASCADE, related_name="kpi_rollups", verbose_name="中心")
    metric = models.CharField("指标", max_length=16)
    period_kind = models.CharField("周期类型", max_length=10, choices=PeriodKind.choices)
    period_start = models.DateTimeField("周期开始")
    breakdown = models.CharField("分组维度", max_length=10, choices=Breakdown.choices)
    key = models.CharField("分组值", max_length=64, blank=True)
    numerator = models.FloatField("分子")
    denominator = models.FloatField("分母")
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["center", "metric", "period_kind", "period_start", "breakdown", "key"], name="kpi_rollup_unique"
            )
        ]
        indexes = [
            models.Index(fields=["center", "period_kind", "breakdown", "period_start"], name="kpi_rollup_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period_kind} {self.period_start:%Y-%m-%d %H:%M} {self.breakdown}={self.key}"

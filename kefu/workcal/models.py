"""Administrator overrides of the published holiday table."""

from django.conf import settings
from django.db import models


class CalendarOverride(models.Model):
    """One day whose working status the administrator sets (a new holiday, a local make-up day...)."""

    day = models.DateField("日期", unique=True)
    is_working_day = models.BooleanField("是否工作日")
    name = models.CharField("说明", max_length=50, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历调整"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'上班' if self.is_working_day else '休息'} {self.name}"


class ConfirmedYear(models.Model):
    """A year whose holiday arrangement an administrator has entered and confirmed complete (issue 12): deadlines
    counted across it no longer carry a warning, though chinese-calendar publishes nothing for it."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="确认人",
    )
    confirmed_at = models.DateTimeField("确认时间")

    class Meta:
        verbose_name = verbose_name_plural = "已确认的年度安排"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} 年"

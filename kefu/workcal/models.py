"""Administrator overrides of the published holiday table."""
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

from django.db import models


class TimerStatus(models.Model):
    """The last outcome of one periodic task (a row per timer). A failure stays shown until the timer next runs cleanly;
    the error is kept as a code and its parameters (kefu.web.messages), the traceback goes to the log."""

    name = models.CharField("定时任务", max_length=100, unique=True)
    last_run_at = models.DateTimeField("最近运行", null=True, blank=True)
    last_ok_at = models.DateTimeField("最近成功", null=True, blank=True)
    failed_at = models.DateTimeField("最近失败", null=True, blank=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    code = models.CharField("错误代码", max_length=100, blank=True)
    params = models.JSONField("错误参数", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "定时任务状态"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def failing(self) -> bool:
        return self.failures > 0

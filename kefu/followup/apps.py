from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "kefu.followup"
    label = "followup"
    verbose_name = "回访与回呼"

    def ready(self):
        from kefu.web.timers import register

        from . import tasks  # noqa: F401  (registers the Celery tasks)

        register("followup-scan", "followup.scan", 300, label=_("回访与回呼任务生成"))
        register("followup-reports", "followup.reports", 600, label=_("经理日报、周报邮件"))

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "kefu.notify"
    label = "notify"
    verbose_name = "通知"

    def ready(self):
        from kefu.web.timers import register

        from . import tasks  # noqa: F401  (registers the Celery tasks)

        register("notify-deliver", "notify.deliver", 30, label=_("通知发送"))

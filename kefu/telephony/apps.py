from django.apps import AppConfig


class TelephonyConfig(AppConfig):
    name = "kefu.telephony"
    label = "telephony"
    verbose_name = "话务数据"

    def ready(self):
        from kefu.web.timers import register

        from . import tasks  # noqa: F401  (registers the Celery tasks)

        register("telephony-caller-retention", "telephony.destroy_expired_callers", 24 * 3600)

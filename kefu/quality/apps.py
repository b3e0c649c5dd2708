from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "kefu.quality"
    label = "quality"
    verbose_name = "质检"

    def ready(self):
        from kefu.web.timers import register

        from . import tasks  # noqa: F401  (registers the Celery task)

        register("quality-shift-reports", "quality.deliver_shift_reports", 600)

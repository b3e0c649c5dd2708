from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kefu.web"
    label = "web"
    verbose_name = "页面"

    def ready(self):
        from django.conf import settings

        if not settings.CELERY_TASK_ALWAYS_EAGER:  # a worker runs the timers: it records their outcomes
            from kefu.web import timers

            timers.connect_worker_signals()

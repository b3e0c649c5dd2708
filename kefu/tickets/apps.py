from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    label = "tickets"
    verbose_name = "工单"

    def ready(self):
        from kefu.web.timers import register

        from . import tasks  # noqa: F401  (registers the Celery tasks)

        register("tickets-deadlines", "tickets.scan_deadlines", 60)
        register("tickets-retention", "tickets.destroy_expired", 24 * 3600)

from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "kefu.workbench"
    label = "workbench"
    verbose_name = "受理台与工单查找"

    def ready(self):
        from django.db.models.signals import post_migrate, post_save

        from kefu.tickets.models import Order
        from kefu.workbench import services

        # The words index follows every order written, whoever writes it (services, admin, imports).
        post_save.connect(services.order_saved, sender=Order, dispatch_uid="workbench.order_words")
        # A migration that rebuilds a table on SQLite drops its triggers: made again after every migrate.
        post_migrate.connect(_ensure_triggers, sender=self, dispatch_uid="workbench.triggers")


def _ensure_triggers(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from kefu.workbench import triggers

    triggers.ensure(connections[using])

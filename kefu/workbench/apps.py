from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "kefu.workbench"
    label = "workbench"
    verbose_name = "受理台与工单查找"

    def ready(self):
        from django.db.models.signals import post_save

        from kefu.tickets.models import Order
        from kefu.workbench import services

        # The words index follows every order written, whoever writes it (services, admin, imports).
        post_save.connect(services.order_saved, sender=Order, dispatch_uid="workbench.order_words")

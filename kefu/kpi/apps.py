from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kefu.kpi"
    label = "kpi"
    verbose_name = "指标"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.kpi import tasks
        from kefu.web import timers

        timers.register("kpi.refresh_recent", "kpi.refresh_recent", tasks.REFRESH_EVERY_SECONDS, label=_("指标汇总刷新"))

from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kefu.kpi"
    label = "kpi"
    verbose_name = "指标"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from kefu.kpi import tasks
        from kefu.telephony.signals import calls_imported
        from kefu.web import timers

        calls_imported.connect(_refresh_after_import, dispatch_uid="kpi.refresh_after_import")

        timers.register(
            "kpi.refresh_recent", "kpi.refresh_recent", tasks.REFRESH_EVERY_SECONDS, label=_("指标汇总刷新")
        )


def _refresh_after_import(sender, first, last, **kwargs) -> int:
    """Calls were imported: recompute the rollups of the local days they touched (sender: the center)."""
    from kefu.kpi import services

    return services.refresh_rollups(sender, first, last)

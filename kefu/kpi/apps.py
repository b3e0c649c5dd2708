from django.apps import AppConfig


class KpiConfig(AppConfig):
    name = "kefu.kpi"
    label = "kpi"
    verbose_name = "指标"

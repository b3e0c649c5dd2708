from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("指标看板"), "kpi:dashboard", "page.kpi.dashboard"),
    (_("实时大屏"), "kpi:wallboard", "page.kpi.wallboard"),
]

from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("话务预测"), "wfm:forecast", "page.wfm.forecast"),
    (_("人力需求"), "wfm:staffing", "page.wfm.staffing"),
    (_("五表"), "wfm:five_tables", "page.wfm.five_tables"),
    (_("现场应急"), "wfm:floor", "page.wfm.floor"),
]

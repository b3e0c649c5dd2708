from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("回访回呼"), "followup:queue", "page.followup.queue"),
    (_("回访指标"), "followup:figures", "page.followup.figures"),
]

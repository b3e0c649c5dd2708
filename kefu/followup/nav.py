from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("回访回呼"), "followup:queue", "page.followup.queue"),
    (_("外呼活动"), "followup:campaigns", "page.followup.campaigns"),
    (_("回访指标"), "followup:figures", "page.followup.figures"),
]

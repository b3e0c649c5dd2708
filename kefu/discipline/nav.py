from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("我的奖惩"), "discipline:mine", "page.discipline.mine"),
    (_("班组奖惩"), "discipline:team", "page.discipline.team"),
    (_("考核审批"), "discipline:decide", "page.discipline.decide"),
    (_("活动经费"), "discipline:fund", "page.discipline.fund"),
    (_("班组制度"), "discipline:group", "page.discipline.group"),
]

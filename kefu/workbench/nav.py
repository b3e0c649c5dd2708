from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("来电工作台"), "workbench:call", "page.workbench.call"),
    (_("查找工单"), "workbench:search", "page.workbench.search"),
    (_("用语提示记录"), "workbench:overrides", "page.workbench.overrides"),
]

from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("交接班"), "shiftlog:mine", "page.shiftlog.mine"),
    (_("交接班督查"), "shiftlog:supervise", "page.shiftlog.supervise"),
]

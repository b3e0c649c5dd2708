from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("话务导入"), "telephony:import", "page.telephony.import"),
]

from django.utils.translation import gettext_lazy as _

ITEMS = [
    (_("通知"), "notify:centre", "page.notify.centre"),
]

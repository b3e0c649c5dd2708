from django.utils.translation import gettext_lazy as _

ITEMS = [(_("排班"), "roster:index", "page.roster.view")]

from django.utils.translation import gettext_lazy as _

ITEMS = [(_("我的排班"), "roster:mine", "page.roster.mine"), (_("排班"), "roster:index", "page.roster.view")]

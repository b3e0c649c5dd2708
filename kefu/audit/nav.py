from django.utils.translation import gettext_lazy as _

ITEMS = [(_("审计查询"), "audit:search", "page.audit.search")]

"""{{ name|shift_name }}: the presets' shift names in the user's language; a center's own names as written."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

SHIFT_NAMES = {
    "白班": _("白班"),
    "夜班": _("夜班"),
    "早班": _("早班"),
    "中班": _("中班"),
    "晚班": _("晚班"),
    "常班": _("常班"),
    "大夜班": _("大夜班"),
}


@register.filter
def shift_name(name: str) -> str:
    return SHIFT_NAMES.get(name, name)

"""`{{ text|shipped }}`: wording this app ships as data (phrase categories) in the user's language.

A text with a catalogue entry reads translated; anything else (what users typed) stays as typed.
"""

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def shipped(text):
    return gettext(text) if isinstance(text, str) and text else text

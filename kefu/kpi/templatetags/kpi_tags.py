from django import template

register = template.Library()


@register.filter
def get_item_safe(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""

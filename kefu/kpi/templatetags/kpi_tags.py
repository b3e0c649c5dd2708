from django import template

register = template.Library()


@register.filter
def get_item_safe(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def kpi_num(x):
    """A numerator/denominator: whole numbers without decimals, others with two; nothing for None."""
    if x is None:
        return ""
    if abs(x - round(x)) < 1e-6:
        return f"{int(round(x))}"
    return f"{x:.2f}"

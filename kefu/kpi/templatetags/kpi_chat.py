"""The chat block of the KPI dashboard (kpi/_chat_block.html) reads its figures here, from the dashboard's query."""

from django import template

from kefu.kpi.chat_selectors import chat_summary

register = template.Library()


@register.simple_tag
def chat_kpis(q):
    """The chat figures of the dashboard's center and period: the whole center, or one agent's chat account (by
    工号); None for a team (chat accounts belong to no team) or a center without chat data."""
    if q.scope == "team":
        return None
    return chat_summary(q.center, q.period.start, q.period.end, agent=q.key if q.scope == "agent" else None)


@register.filter
def chat_pct(x):
    """A 0-1 share as a percentage with one decimal; a dash when nothing was measured."""
    return "—" if x is None else f"{x * 100:.1f}%"


@register.filter
def chat_secs(x):
    return "—" if x is None else f"{x:.1f}"

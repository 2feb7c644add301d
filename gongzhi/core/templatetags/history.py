"""Template filters for histories: `{% for e in events|readable %}` turns audit events into
sentences (`gongzhi.core.history.entries`), `{{ event|actor_name }}` names who did something — a
user by their display name, the system by what it was doing (智能分拣, 系统自动 …), never a label
like `command:demo`."""

from django import template

from gongzhi.core import history

register = template.Library()


@register.filter
def readable(events):
    return history.entries(events or [])


@register.filter
def actor_name(event):
    return history.actor_name(getattr(event, "actor", None), getattr(event, "actor_label", ""))

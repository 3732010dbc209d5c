"""The derived-facts panel of the person page: one tag, so the page's view needs no rules code."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("events/partials/person_facts_panel.html", takes_context=True)
def person_facts_panel(context):
    from tochuc.events.views import person_facts_context

    request = context.get("request")
    person = context.get("person")
    if request is None or person is None:
        return {"person": None}
    return person_facts_context(request, person)

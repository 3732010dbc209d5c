"""The cadre panel of the person page: one tag, so the page's view needs no cadre code."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("cadres/partials/person_panel.html", takes_context=True)
def person_cadre_panel(context):
    from tochuc.cadres.views import person_panel_context

    request = context.get("request")
    person = context.get("person")
    if request is None or person is None:
        return {"person": None}
    return person_panel_context(request, person)

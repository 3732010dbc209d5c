# Samples for `semgrep --test .ci/semgrep` (not imported by anything).
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


def page(request, person, scope, pk):
    # ruleid: tochuc-c3-mark-safe-on-data
    name = mark_safe(person.full_name)
    # ruleid: tochuc-c3-mark-safe-on-data
    title = mark_safe(f"<b>{person.full_name}</b>")
    # ruleid: tochuc-c3-mark-safe-on-data
    note = SafeString(person.note)
    # ok: tochuc-c3-mark-safe-on-data
    ellipsis = mark_safe('<span class="code">…</span>')
    # ok: tochuc-c3-mark-safe-on-data
    label = format_html("<b>{}</b>", person.full_name)
    # ruleid: tochuc-b3-unscoped-protected-model
    other = Person.objects.get(pk=pk)
    # ruleid: tochuc-b3-unscoped-protected-model
    event = get_object_or_404(Event, pk=pk)
    # ruleid: tochuc-b3-unscoped-protected-model
    grants = Grant._default_manager.all()
    # ok: tochuc-b3-unscoped-protected-model
    roots = Unit.objects.filter(pk__in=scope.root_unit_ids).order_by("code")
    # ruleid: tochuc-b3-unscoped-protected-model
    everything = Unit.objects.filter(pk__in=[pk])
    # ok: tochuc-b3-unscoped-protected-model
    posts = Post.objects.all()
    return name, title, note, ellipsis, label, other, event, grants, roots, everything, posts

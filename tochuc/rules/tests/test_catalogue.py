from __future__ import annotations

import io
from pathlib import Path

from django.core.management import call_command

from tochuc.rules.docs import catalogue_markdown
from tochuc.rules.engine import REGISTRY

DOC = Path(__file__).resolve().parents[3] / "docs" / "rules.md"


def test_docs_rules_md_is_generated_from_the_registry():
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/rules.md is stale: run `tochuc rules --markdown > docs/rules.md`"
    )


def test_every_rule_has_a_source_a_title_and_a_confidence_mark():
    for key, r in REGISTRY.items():
        assert r.source and r.title, key
        assert r.confidence in ("R", "S", "U"), key


def test_uncertain_rules_say_so_in_their_docstring():
    for key, r in REGISTRY.items():
        if r.confidence == "U" and r.code.split(".")[0] in ("admission", "badge", "evaluation", "probation", "readmission", "discipline", "status", "transfer"):
            assert "[U]" in r.doc, key


def test_the_command_prints_the_catalogue():
    out = io.StringIO()
    call_command("rules", "--markdown", stdout=out)
    assert out.getvalue() == catalogue_markdown()
    assert "| `admission.age` |" in out.getvalue()

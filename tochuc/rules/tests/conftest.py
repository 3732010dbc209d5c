from __future__ import annotations

import datetime as dt

import pytest


@pytest.fixture
def judged():
    """Findings the rules give for a proposed event, without writing: [(code, level), ...]."""
    from tochuc.events.services import judge
    from tochuc.rules.engine import Draft

    def run(person, kind: str, on: dt.date, *, unit=None, to_unit=None, full: bool = False, **kw):
        draft = Draft(
            kind=kind, effective_on=on, person=person, subtype=kw.pop("subtype", ""),
            unit_id=unit.pk if unit else None, to_unit_id=to_unit.pk if to_unit else None, **kw,
        )
        findings = judge(draft)
        return findings if full else [(f.code, str(f.level)) for f in findings]

    return run

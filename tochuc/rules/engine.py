"""Rules are data with sources: small functions, each with a stable code, the regulation it comes
from and the period in which that regulation applied. An event is judged by the rules in force
on its effective date. A rule returns findings; it never rejects silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tochuc.core.findings import Finding, Level
from tochuc.events.fold import EventData, PersonFold
from tochuc.people.models import Person
from tochuc.units.models import UnitVersion


@dataclass(frozen=True)
class Draft:
    """A proposed event, validated for shape, about to be judged."""

    kind: str
    subtype: str
    effective_on: dt.date
    person: Person | None = None
    unit_id: int | None = None
    to_unit_id: int | None = None
    end_on: dt.date | None = None
    position: str = ""
    term: str = ""
    year: int | None = None
    decision_no: str = ""
    decided_on: dt.date | None = None
    decided_by: str = ""
    note: str = ""
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the person's history and state, and the units on the date."""

    history: tuple[EventData, ...]  # the person's live events (or the unit's), in order
    state: PersonFold | None  # folded over the whole history, for persons
    state_before: PersonFold | None  # folded over the events up to the draft's date
    unit: UnitVersion | None  # the draft's unit as it stood on the effective date
    to_unit: UnitVersion | None


RuleFunc = Callable[[Draft, Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    title: str  # Vietnamese, one line, for the catalogue
    kinds: frozenset[str]
    source: str  # e.g. "Quy định 29-QĐ/TW (25/7/2016), điểm 1.1"
    valid_from: dt.date | None
    valid_to: dt.date | None  # exclusive
    func: RuleFunc
    confidence: str = "R"  # R, S or U (DOMAIN-RULES.md); U rules only ever warn
    doc: str = ""

    def applies(self, draft: Draft) -> bool:
        if self.kinds and draft.kind not in self.kinds:
            return False
        if self.valid_from and draft.effective_on < self.valid_from:
            return False
        return not (self.valid_to and draft.effective_on >= self.valid_to)


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    title: str,
    kinds: Iterable[str],
    source: str,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    confidence: str = "R",
) -> Callable[[RuleFunc], RuleFunc]:
    def register(func: RuleFunc) -> RuleFunc:
        if code in REGISTRY and REGISTRY[code].valid_from == valid_from:
            raise ValueError(f"rule {code} registered twice for the same period")
        key = code if code not in REGISTRY else f"{code}@{valid_from}"
        REGISTRY[key] = Rule(
            code, title, frozenset(kinds), source, valid_from, valid_to, func, confidence, (func.__doc__ or "").strip()
        )
        return func

    return register


_BY_KIND: dict[str, tuple[Rule, ...]] = {}
_INDEXED: list[tuple] = [()]  # the registry's rules when the index was built


def _rules_for(kind: str) -> tuple[Rule, ...]:
    """The rules that may apply to a kind, in registry order (a batch judges hundreds of
    thousands of drafts: most rules name other kinds). Rebuilt whenever the registry changes."""
    current = tuple(map(id, REGISTRY.values()))
    if _INDEXED[0] != current:
        _BY_KIND.clear()
        _INDEXED[0] = current
    rules = _BY_KIND.get(kind)
    if rules is None:
        rules = _BY_KIND[kind] = tuple(r for r in REGISTRY.values() if not r.kinds or kind in r.kinds)
    return rules


def evaluate(draft: Draft, context: Context) -> list[Finding]:
    findings: list[Finding] = []
    for r in _rules_for(draft.kind):
        if not r.applies(draft):
            continue
        for f in r.func(draft, context):
            if r.confidence == "U" and f.level == Level.ERROR:
                # Uncertain facts never block (DOMAIN-RULES.md, confidence marks).
                f = Finding(f.code, Level.WARNING, f.message, f.field, f.source)
            findings.append(f)
    return findings

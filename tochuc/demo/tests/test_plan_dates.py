"""The city's planned tree: no unit event before the units it names exist (the importer refuses
such a row, so an export of the demo must not hold one)."""

from __future__ import annotations

import datetime as dt
import random

from tochuc.demo.load import CITY_MEMBERS
from tochuc.demo.places import CAN_THO
from tochuc.demo.plan import ProvincePlan, Shape


def test_every_planned_unit_event_falls_when_its_units_exist():
    plan = ProvincePlan(
        CAN_THO, Shape(members=CITY_MEMBERS), rng=random.Random("1:plan:CT"), first_unit_id=1, until=dt.date(2026, 11, 27)
    )
    founded = {u.id: u.founded for u in plan.units.values()}
    early = [
        (ev.kind, ev.on, plan.units[ev.unit].code, plan.units[ev.to_unit].code if ev.to_unit else "")
        for ev in plan.events
        if ev.kind in ("reparent", "merger", "rename", "dissolution")
        and (ev.on < founded[ev.unit] or (ev.to_unit is not None and ev.on < founded[ev.to_unit]))
    ]
    assert early == []
    # Thới Lai was split from Ô Môn on 24/12/2008: its units moved then
    moves = {ev.on for ev in plan.events if ev.kind == "reparent" and ev.to_unit is not None and plan.units[ev.to_unit].code == "CT.TL"}
    assert moves == {dt.date(2008, 12, 24)}

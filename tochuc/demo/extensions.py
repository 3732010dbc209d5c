"""Hooks for other apps to add their own demo data after the core load.

An app registers a function, usually from its `AppConfig.ready()`:

    from tochuc.demo import extensions

    def cadre_demo(rng: random.Random, context: extensions.DemoContext) -> None:
        ...

    extensions.register(cadre_demo)

Each function is called once, after every unit, person, event and projection of the core load
is written, inside the same transaction (an exception rolls the whole load back). It gets its
own `random.Random`, seeded from the run's seed and the function's name, so its data is as
deterministic as the core's. The context holds:

- `seed`, `scale` ("tiny", "small", "city", "province", "national"), `until` (the last day of the data);
- `units`: unit code -> `Unit` (every unit of the run; versions via `tochuc.units.selectors`);
- `people`: a QuerySet of the people the run created (members, former members, candidates; their
  derived state in `PersonState`, posts in `PositionHolding`);
- `say(line)`: writes a progress line on stderr.

A function that writes events must keep the projections right: call
`tochuc.events.projections.refresh_people(person_ids)` for the people it touched.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class DemoContext:
    seed: int
    scale: str
    until: dt.date
    units: dict[str, Any]
    people: QuerySet
    say: Callable[[str], None]


Extension = Callable[[random.Random, DemoContext], None]

_REGISTRY: list[Extension] = []


def register(func: Extension) -> Extension:
    """Add a demo extension (idempotent); usable as a decorator."""
    if func not in _REGISTRY:
        _REGISTRY.append(func)
    return func


def registered() -> list[Extension]:
    return list(_REGISTRY)


def run_all(context: DemoContext) -> None:
    for func in _REGISTRY:
        name = f"{func.__module__}.{func.__qualname__}"
        context.say(f"Phần mở rộng {name}")
        func(random.Random(f"{context.seed}:extension:{name}"), context)

"""`ProvincePlan.pick_branch` reads the units alive on a day from a cache per interval between
foundings and endings: it must draw exactly what a choice over the list rebuilt each time drew
(the same seed gives the same data)."""

from __future__ import annotations

import bisect
import datetime as dt
import random

from tochuc.demo.load import scale_deployment
from tochuc.demo.plan import ProvincePlan


def rebuilt_each_time(plan: ProvincePlan, rng: random.Random, on: dt.date, district, exclude):
    pool = plan._by_district.get(district) if district is not None else None
    for _ in range(30):
        if pool:
            u = pool[rng.randrange(len(pool))]
        else:
            u = plan.member_units[bisect.bisect_left(plan._cum, rng.random() * plan._total)]
        if u.alive(on) and u.id != exclude:
            return u
    alive = [u for u in (pool or plan.member_units) if u.alive(on) and u.id != exclude]
    return rng.choice(alive) if alive else None


def test_the_cached_fallback_draws_what_the_rebuilt_list_drew():
    spec, shape = scale_deployment("small").groups[0][0]
    plan = ProvincePlan(spec, shape, rng=random.Random("plan"), first_unit_id=1, until=dt.date(2026, 6, 30))
    draw = random.Random(5)
    districts = [None, *plan._by_district]
    ids = [u.id for u in plan.member_units]
    outcomes = set()
    skipped = 0
    for _ in range(3000):
        # early days most often: the fallback is taken when few units are alive yet
        on = dt.date(1975, 5, 1) + dt.timedelta(days=int(draw.expovariate(1 / 2500)))
        district, seed = draw.choice(districts), draw.random()
        alive_ids = [u.id for u in plan.member_units if u.alive(on)]
        # half the time a unit alive that day is excluded (a member moving out of it)
        exclude = draw.choice(alive_ids) if alive_ids and draw.random() < 0.5 else draw.choice([*ids, None])
        expected = rebuilt_each_time(plan, random.Random(seed), on, district, exclude)
        got = plan.pick_branch(random.Random(seed), on, district=district, exclude=exclude)
        assert (got and got.id) == (expected and expected.id), (on, district, exclude)
        outcomes.add(expected is None)
        key = district if plan._by_district.get(district) else None
        slot = (key, bisect.bisect_right(plan._bounds.get(key, []), on))
        skipped += exclude in plan._alive.get(slot, ([], {}))[1]  # an excluded unit among the cached
    assert plan._alive, "the fallback was never taken"
    assert outcomes == {True, False}
    assert skipped > 0, "no fallback excluded an alive unit"

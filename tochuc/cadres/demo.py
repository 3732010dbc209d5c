"""Demo data for cadre work, run by `tochuc demo` after the core load (tochuc.demo.extensions).

The core load already writes cadre decisions and planning entries. This extension adds what is
not an event: the catalogue of the posts those events name (with standards by level), the
planning periods, staffing quotas with the NQ 39 target, and, through the services (so the rules
judge them), a few rotations and one competitive selection ending in an appointment.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from tochuc.cadres import services
from tochuc.cadres.models import (
    ManagingLevel,
    PlanningPeriod,
    Post,
    PostStandard,
    Selection,
    SelectionCandidate,
    SelectionRound,
    SelectionScore,
    StaffingQuota,
    StreamliningTarget,
)
from tochuc.cadres.selectors import load_planning
from tochuc.core.findings import RecordRefused
from tochuc.events.models import PositionHolding
from tochuc.events.projections import live_events
from tochuc.units.models import UnitVersion
from tochuc.units.selectors import valid_on

PARTY_WORDS = ("bí thư", "đảng ủy", "cấp ủy", "thành ủy", "tỉnh ủy", "quận ủy", "huyện ủy", "ủy viên ban")
QD89 = dt.date(2017, 8, 4)  # QĐ 89-QĐ/TW: the framework of standards for leadership posts
# (political theory, state management, professional, defence group) by the depth of the post's unit
STANDARD_BY_DEPTH = {0: (3, 3, 4, 1), 1: (3, 2, 3, 2), 2: (2, 1, 3, 3)}
STANDARD_DEEPER = (2, 0, 1, 4)
LEVEL_BY_DEPTH = {0: ManagingLevel.POLITBURO, 1: ManagingLevel.PROVINCIAL, 2: ManagingLevel.DISTRICT}
ALL_WARNINGS = frozenset(
    {
        "cadres.planning_required", "cadres.rotation_in_planning", "cadres.rotation_age", "cadres.rotation_end", "cadres.rotation_duration",
        "cadres.state_first_appointment_age", "cadres.reappointment_extend", "cadres.planning_age", "cadres.planning_period",
        "cadres.planning_candidates_per_post", "cadres.planning_posts_per_person",
    }
)


def _depths(unit_ids, on: dt.date) -> dict[int, int]:
    rows = UnitVersion.objects.filter(unit_id__in=unit_ids).filter(valid_on(on) | Q(valid_to__isnull=False)).order_by("unit_id", "-valid_from")
    out: dict[int, int] = {}
    for unit_id, depth in rows.values_list("unit_id", "depth"):
        out.setdefault(unit_id, depth)
    return out


def catalogue(context) -> list[Post]:
    """One post per (position, unit) named by the demo's decisions and planning entries."""
    pairs = set(
        live_events().filter(kind__in=("decision", "planning"), person__in=context.people).exclude(position="")
        .exclude(unit__isnull=True).values_list("position", "unit_id").distinct()
    )
    pairs |= set(PositionHolding.objects.filter(person__in=context.people, unit__isnull=False).values_list("position", "unit_id").distinct())
    existing = set(Post.objects.values_list("name", "unit_id"))
    depths = _depths({u for _, u in pairs}, context.until)
    new = [
        Post(
            name=name, unit_id=unit_id, managing_level=LEVEL_BY_DEPTH.get(depths.get(unit_id, 3), ManagingLevel.GRASSROOTS),
            is_party_committee=any(w in name.lower() for w in PARTY_WORDS),
        )
        for name, unit_id in sorted(pairs)
        if (name, unit_id) not in existing and len(name) <= 255
    ]
    Post.objects.bulk_create(new, batch_size=1000)
    posts = list(Post.objects.filter(unit_id__in={u for _, u in pairs}).order_by("id"))
    standards = []
    have = set(PostStandard.objects.filter(post__in=posts).values_list("post_id", flat=True))
    for post in posts:
        if post.pk in have:
            continue
        lt, qlnn, prof, group = STANDARD_BY_DEPTH.get(depths.get(post.unit_id, 3), STANDARD_DEEPER)
        standards.append(
            PostStandard(post=post, valid_from=QD89, political_theory=lt, state_management=qlnn, professional=prof, defense_group=group,
                         source="Quy định 89-QĐ/TW (04/8/2017) (mức minh họa)")
        )
    PostStandard.objects.bulk_create(standards, batch_size=1000)
    return posts


def periods(context) -> list[PlanningPeriod]:
    codes = set(live_events().filter(kind="planning", person__in=context.people).values_list("term", flat=True).distinct())
    codes |= {"2020-2025", "2025-2030"}
    for code in sorted(codes):
        if code and not PlanningPeriod.objects.filter(code=code).exists():
            try:
                services.planning_period_create(by=None, code=code)
            except RecordRefused:
                context.say(f"Bỏ qua nhiệm kỳ quy hoạch không hợp lệ {code!r}")
    return list(PlanningPeriod.objects.order_by("starts_on"))


def staffing(rng: random.Random, context) -> None:
    """Quotas for the city and its districts, 2015 to the last year, falling by 0.8–2.2% a year."""
    roots = UnitVersion.objects.filter(unit__in=context.units.values(), depth__lte=1).order_by("unit_id", "valid_from")
    seen: dict[int, UnitVersion] = {}
    for v in roots:
        seen.setdefault(v.unit_id, v)
    rows = []
    for unit_id, v in sorted(seen.items()):
        last = context.until.year
        versions = UnitVersion.objects.filter(unit_id=unit_id).order_by("-valid_from").first()
        if versions is not None and versions.valid_to is not None:
            last = min(last, versions.valid_to.year - 1)
        quota = 1200 if v.depth == 0 else rng.randrange(150, 400)
        rate = Decimal(rng.randrange(8, 23)) / 1000
        for year in range(2015, last + 1):
            actual = quota - rng.randrange(0, max(2, quota // 40))
            rows.append(StaffingQuota(unit_id=unit_id, year=year, quota=quota, actual=actual))
            quota = int(quota * (1 - rate))
        if last >= 2016:
            StreamliningTarget.objects.get_or_create(
                unit_id=unit_id, base_year=2015, target_year=2021,
                defaults={"reduction_pct": Decimal("10"), "source": "Nghị quyết 39-NQ/TW (17/4/2015)"},
            )
    StaffingQuota.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def _existing(posts: list[Post], on: dt.date) -> list[Post]:
    alive = set(UnitVersion.objects.filter(valid_on(on), unit_id__in={p.unit_id for p in posts}).values_list("unit_id", flat=True))
    return [p for p in posts if p.unit_id in alive]


def rotations(rng: random.Random, context, posts: list[Post]) -> int:
    """A few cadres of the 2020-2025 list rotated to an equivalent post in another unit for 3 years."""
    today = min(context.until, timezone.localdate())
    on = dt.date(min(today.year - 1, 2024), 3, 1)
    entries = load_planning(on=on, term="2020-2025")
    if not entries or len(posts) < 2:
        return 0
    by_id = {p.pk: p for p in _existing(posts, on)}
    people = {p.pk: p for p in context.people.filter(pk__in={e.person_id for e in entries})}
    done = 0
    for entry in rng.sample(entries, min(4, len(entries))):
        person = people.get(entry.person_id)
        targets = [p for p in by_id.values() if p.unit_id != entry.unit_id and p.name == entry.position] or [
            p for p in by_id.values() if p.unit_id != entry.unit_id
        ]
        if person is None or not targets:
            continue
        try:
            services.cadre_decide(
                by=None, person=person, subtype="rotation", post=rng.choice(targets), effective_on=on,
                end_on=dt.date(on.year + 3, 3, 1), decision_no=f"{rng.randrange(100, 999)}-QĐ/TU", decided_on=on,
                decided_by="Ban Thường vụ Thành ủy", confirm=ALL_WARNINGS, source="demo",
            )
            done += 1
        except RecordRefused:
            continue
    return done


def selection(rng: random.Random, context, posts: list[Post]) -> bool:
    """One competitive selection for a department-level post: three candidates, two rounds."""
    today = min(context.until, timezone.localdate())
    opened = today - dt.timedelta(days=150)
    alive = _existing(posts, opened)
    candidates_posts = [p for p in alive if p.managing_level == ManagingLevel.PROVINCIAL and not p.is_party_committee] or alive
    if not candidates_posts:
        return False
    post = rng.choice(candidates_posts)
    born = (dt.date(today.year - 48, 1, 1), dt.date(today.year - 32, 12, 31))
    pool = list(context.people.filter(state__status="full", birth_date__range=born).order_by("id")[:400])
    if len(pool) < 3:
        return False
    sel = services.selection_create(
        by=None, post=post, title=f"Thi tuyển chức danh {post.name}", opened_on=opened,
        rounds=[("Xây dựng đề án", Decimal("1")), ("Trình bày đề án, phỏng vấn", Decimal("2"))],
    )
    for person in rng.sample(pool, 3):
        cand = services.selection_candidate_add(by=None, selection=sel, person=person)
        for rnd in sel.rounds.all():
            services.selection_score_set(by=None, candidate=cand, round=rnd, score=Decimal(rng.randrange(55, 95)))
    try:
        sel = services.selection_decide(by=None, selection=sel, decided_on=opened + dt.timedelta(days=60), decision_no="15-TB/BTC")
        if sel.winner is not None:
            services.selection_appoint(
                by=None, selection=sel, effective_on=opened + dt.timedelta(days=90), decision_no="120-QĐ/UBND",
                decided_by="Ủy ban nhân dân thành phố", confirm=ALL_WARNINGS,
            )
    except RecordRefused as refused:
        context.say(f"Thi tuyển mẫu không bổ nhiệm được: {refused}")
        return False
    return True


CADRE_MODELS = (Post, PostStandard, PlanningPeriod, StaffingQuota, StreamliningTarget, Selection, SelectionRound, SelectionCandidate,
                 SelectionScore)


def restart_numbering() -> None:
    """Number the cadre rows on from the highest id in the table, as the core load numbers its own.

    The events written here carry post and selection ids in their details. PostgreSQL's sequences
    are not transactional: after a rolled-back load, or a load into a database that held rows
    once, they would go on from where they were, and the same seed would give other ids (SQLite
    numbers from the highest rowid and was not affected)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(CADRE_MODELS)):
            cursor.execute(sql)


def cadre_demo(rng: random.Random, context) -> None:
    restart_numbering()
    posts = catalogue(context)
    periods(context)
    staffing(rng, context)
    rotated = rotations(rng, context, posts)
    selected = selection(rng, context, posts)
    context.say(f"Công tác cán bộ: {len(posts)} chức danh, {rotated} luân chuyển, thi tuyển: {'có' if selected else 'không'}")

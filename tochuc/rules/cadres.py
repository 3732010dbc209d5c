"""Cadre work: decisions on cadres, planning, rotation (DOMAIN-RULES.md §4.2, §5).

Every finding names the person, the post and the regulation. Rules marked confidence "U" only
ever warn (the engine downgrades their errors); their parameters live in `tochuc.cadres`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from tochuc.cadres import eligibility as el
from tochuc.core.findings import Finding, Level
from tochuc.rules.engine import Context, Draft, rule
from tochuc.rules.evaluation import batch_memo, batch_planning_events

# Decisions that put someone in a post for which the age and discipline conditions apply.
# Designation (chỉ định) is left out: it fills committee posts when needed (new or merged
# committees, vacancies), and the full-term age is a condition of appointment and nomination.
AGE_CHECKED = frozenset({"appointment", "nomination"})
DISCIPLINE_CHECKED = frozenset({"appointment", "nomination", "designation", "rotation"})
PLANNING_CHECKED = frozenset({"appointment", "nomination"})
PARTY_POST_ONLY = frozenset({"designation", "approval"})

SOURCE_APPOINT_BEFORE = "Quy định 105-QĐ/TW (2017) (trước đó Quy định 68-QĐ/TW (2007)): đủ tuổi công tác trọn một nhiệm kỳ"
SOURCE_APPOINT_ROADMAP = "Kết luận 08-KL/TW (15/6/2021); Quy định 80-QĐ/TW (2022); Nghị định 135/2020/NĐ-CP"
SOURCE_QD27 = "Quyết định 27/2003/QĐ-TTg, Điều 4"
SOURCE_REAPPOINT = "Quy định 105-QĐ/TW (2017) / Quy định 80-QĐ/TW (2022); Nghị định 138/2020/NĐ-CP"
SOURCE_PLANNING_REQUIRED = "Quy định 105-QĐ/TW (2017) / Quy định 80-QĐ/TW (2022): nhân sự tại chỗ phải có trong quy hoạch"
SOURCE_ROTATION = "Quy định 98-QĐ/TW (2017) / Quy định 65-QĐ/TW (2022): luân chuyển cán bộ trong quy hoạch"
SOURCE_PARTY_POST = "Điều lệ Đảng; Quy chế bầu cử trong Đảng (Quy định 244-QĐ/TW, 2014)"
SOURCE_PLANNING_377 = "Quy định 377-QĐ/TW (08/10/2025)"
SOURCE_PLANNING_BEFORE = "Hướng dẫn 15-HD/BTCTW (2012), Quy định 50-QĐ/TW (2021) (số liệu chưa xác minh)"
SOURCE_PLANNING_AGE = "Quy định 50-QĐ/TW (2021); Hướng dẫn 16-HD/BTCTW (2022)"

MSG_AGE = (
    "{name} không đủ tuổi để {action} chức danh {post}: tuổi nghỉ hưu {age} vào ngày {retire}, "
    "đến ngày {on} chỉ còn {left}, chưa đủ một nhiệm kỳ 5 năm ({source})"
)
MSG_QD27 = "{name} được bổ nhiệm lần đầu chức danh {post} khi đã {age} tuổi, quá tuổi {limit} của {source} (cần xem xét)"
MSG_REAPPOINT_EXTEND = (
    "{name} chỉ còn {left} đến tuổi nghỉ hưu ({retire}): chức danh {post} nên được kéo dài thời gian giữ chức vụ "
    "đến khi nghỉ hưu thay vì bổ nhiệm lại ({source})"
)
MSG_REAPPOINT_UNTIL = "{name} được bổ nhiệm lại chức danh {post} đến ngày nghỉ hưu {retire} (còn {left}) ({source})"
MSG_DISCIPLINE = (
    "{name} bị kỷ luật {discipline} ngày {disciplined}: chưa được {action} chức danh {post} trước ngày {until} "
    "({months} tháng theo {source})"
)
MSG_DISCIPLINE_UNVERIFIED = "; thời hạn theo tin báo chí về quy định này, chưa đối chiếu văn bản: cần xác nhận"
MSG_NOT_PLANNED = "{name} chưa có trong quy hoạch chức danh {post} vào ngày {on} ({source})"
MSG_ROTATION_NOT_PLANNED = "{name} không có trong danh sách quy hoạch nào vào ngày {on}: không thuộc diện luân chuyển đến chức danh {post} ({source})"
MSG_ROTATION_NO_END = "Luân chuyển {name} đến chức danh {post} cần ghi thời hạn (ngày kết thúc) ({source})"
MSG_ROTATION_SHORT = "Luân chuyển {name} đến chức danh {post} chỉ {months} tháng, dưới 36 tháng thường áp dụng ({source}, chưa xác minh)"
MSG_PARTY_POST = "{action} chỉ áp dụng cho chức danh cấp ủy: chức danh {post} của {name} không phải chức danh cấp ủy ({source})"
MSG_TOO_MANY_CANDIDATES = (
    "Chức danh {post} đã có {count} người trong quy hoạch {term}: không thể đưa thêm {name} (tối đa {limit} người, {source})"
)
MSG_TOO_MANY_POSTS = (
    "{name} đã được quy hoạch {count} chức danh trong nhiệm kỳ {term}: không thể quy hoạch thêm chức danh {post} "
    "(tối đa {limit} chức danh, {source})"
)
MSG_ALREADY_PLANNED = "{name} đã có trong quy hoạch {term} cho chức danh {post} từ ngày {since}"
MSG_NOT_IN_LIST = "{name} không có trong quy hoạch {term} cho chức danh {post}: không thể đưa ra"
MSG_PLANNING_AGE = (
    "{name} không đủ tuổi công tác trọn một nhiệm kỳ để quy hoạch chức danh {post} nhiệm kỳ {term}: "
    "nghỉ hưu ngày {retire} ({age}) ({source})"
)
MSG_UNKNOWN_PERIOD = "Nhiệm kỳ quy hoạch {term} chưa được khai báo: chưa kiểm tra giới hạn số người, số chức danh khi quy hoạch {name} cho chức danh {post}"

DECISION_ACTIONS = {
    "appointment": "bổ nhiệm",
    "reappointment": "bổ nhiệm lại",
    "nomination": "giới thiệu ứng cử",
    "designation": "chỉ định",
    "approval": "chuẩn y",
    "rotation": "luân chuyển",
}


def _name(draft: Draft) -> str:
    return draft.person.full_name if draft.person else ""


def _own_planning(draft: Draft, ctx: Context, *, term: str | None = None) -> list[el.PlanningEntry]:
    """The person's planning entries on the draft's date, from the events in the context's
    history only (so a replay of the log judges each event against what came before it)."""
    events = [
        el.PlanningEvent(e.id, e.subtype, draft.person.pk, e.position, e.unit_id, e.term, e.effective_on)
        for e in ctx.history
        if e.kind == "planning" and (term is None or e.term == term)
    ]
    return el.planning_entries(events, draft.effective_on)


def _post_unit_id(draft: Draft) -> int | None:
    if draft.subtype in ("rotation", "redeployment") and draft.to_unit_id:
        return draft.to_unit_id
    return draft.unit_id


def _is_decision(draft: Draft, subtypes: frozenset[str]) -> bool:
    return draft.kind == "decision" and draft.subtype in subtypes and draft.person is not None


def _age_findings(draft: Draft, by_roadmap: bool) -> Iterator[Finding]:
    if not _is_decision(draft, AGE_CHECKED):
        return
    person = draft.person
    check = el.term_check(person.birth_date, person.sex, draft.effective_on, decided_on=draft.effective_on)
    if check.full_term:
        return
    source = SOURCE_APPOINT_ROADMAP if by_roadmap else SOURCE_APPOINT_BEFORE
    yield Finding(
        "cadres.full_term_age",
        Level.ERROR,
        MSG_AGE.format(
            name=person.full_name, action=DECISION_ACTIONS[draft.subtype], post=draft.position,
            age=check.retirement.age_label, retire=el.fmt(check.retirement.on), on=el.fmt(draft.effective_on),
            left=check.remaining_label, source=source,
        ),
        "effective_on",
        source,
    )


@rule(
    "cadres.full_term_age",
    title="Bổ nhiệm, giới thiệu ứng cử, chỉ định: đủ tuổi công tác trọn một nhiệm kỳ (tính đến 60 / 55 tuổi)",
    kinds={"decision"},
    source=SOURCE_APPOINT_BEFORE,
    valid_to=el.ROADMAP_COUNTS_FROM,
    confidence="S",
)
def full_term_age_before(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Before 1/8/2021 the five years are counted to the BLLĐ 2012 age (60 men, 55 women)."""
    yield from _age_findings(draft, by_roadmap=False)


@rule(
    "cadres.full_term_age",
    title="Bổ nhiệm, giới thiệu ứng cử, chỉ định: đủ tuổi công tác trọn một nhiệm kỳ theo lộ trình tuổi nghỉ hưu",
    kinds={"decision"},
    source=SOURCE_APPOINT_ROADMAP,
    valid_from=el.ROADMAP_COUNTS_FROM,
    confidence="S",
)
def full_term_age_roadmap(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """From 1/8/2021 (KL 08-KL/TW) the five years are counted to the roadmap age by birth month."""
    yield from _age_findings(draft, by_roadmap=True)


# QĐ 27/2003/QĐ-TTg Art. 4: first appointment of state leaders at most 55 (men) / 50 (women).
QD27_MAX_AGE = {"male": 55, "female": 50}


@rule(
    "cadres.state_first_appointment_age",
    title="Bổ nhiệm lần đầu (khối nhà nước): nam không quá 55, nữ không quá 50 tuổi",
    kinds={"decision"},
    source=SOURCE_QD27,
    valid_to=el.ROADMAP_COUNTS_FROM,
    confidence="U",
)
def state_first_appointment_age(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Applies to state posts only, which the event does not tell apart: a warning for any first
    appointment, until 1/8/2021 (NĐ 138/2020 replaced the decision; KL 08 changed the count)."""
    if not _is_decision(draft, frozenset({"appointment"})):
        return
    if any(e.kind == "decision" and e.subtype in ("appointment", "reappointment") for e in ctx.history if e.effective_on <= draft.effective_on):
        return
    person = draft.person
    from tochuc.lib.dates import age_on

    age = age_on(person.birth_date, draft.effective_on)
    limit = QD27_MAX_AGE[person.sex]
    if age > limit:
        yield Finding(
            "cadres.state_first_appointment_age",
            Level.WARNING,
            MSG_QD27.format(name=person.full_name, post=draft.position, age=age, limit=limit, source=SOURCE_QD27),
            "effective_on",
            SOURCE_QD27,
        )


@rule(
    "cadres.reappointment_near_retirement",
    title="Bổ nhiệm lại khi còn dưới 5 năm công tác: đến tuổi nghỉ hưu; dưới 2 năm: kéo dài thời gian giữ chức vụ",
    kinds={"decision"},
    source=SOURCE_REAPPOINT,
    confidence="S",
)
def reappointment_near_retirement(draft: Draft, ctx: Context) -> Iterator[Finding]:
    if not _is_decision(draft, frozenset({"reappointment"})):
        return
    person = draft.person
    check = el.term_check(person.birth_date, person.sex, draft.effective_on)
    if check.full_term:
        return
    values = dict(
        name=person.full_name, post=draft.position, retire=el.fmt(check.retirement.on), left=check.remaining_label, source=SOURCE_REAPPOINT
    )
    if check.remaining_months < 24:
        yield Finding("cadres.reappointment_extend", Level.WARNING, MSG_REAPPOINT_EXTEND.format(**values), "subtype", SOURCE_REAPPOINT)
    else:
        yield Finding("cadres.reappointment_until_retirement", Level.INFO, MSG_REAPPOINT_UNTIL.format(**values), "effective_on", SOURCE_REAPPOINT)


def _discipline_findings(draft: Draft, ctx: Context, level: Level = Level.ERROR) -> Iterator[Finding]:
    planning = draft.kind == "planning" and draft.subtype == "add"
    if not (planning or _is_decision(draft, DISCIPLINE_CHECKED)) or draft.person is None:
        return
    block = el.discipline_block(ctx.history, draft.effective_on)
    if block is None:
        return
    action = "quy hoạch" if planning else DECISION_ACTIONS[draft.subtype]
    message = MSG_DISCIPLINE.format(
        name=_name(draft), discipline=block.label, disciplined=el.fmt(block.disciplined_on), action=action,
        post=draft.position, until=el.fmt(block.until), months=block.months, source=block.source,
    )
    if level == Level.WARNING:
        message = message[:-1] + MSG_DISCIPLINE_UNVERIFIED + ")"
    yield Finding(
        "cadres.discipline_block",
        level,
        message,
        "effective_on",
        block.source,
    )


@rule(
    "cadres.discipline_block",
    title="Bị kỷ luật: chưa quy hoạch, bổ nhiệm, giới thiệu ứng cử trong 12 tháng",
    kinds={"decision", "planning"},
    source=el.SOURCE_QD105,
    valid_to=el.QD80_FROM,
    confidence="S",
)
def discipline_block_qd105(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """QĐ 105-2017: any discipline (khiển trách or more) blocks for 12 months. Applied also to
    earlier dates, where QĐ 30-2016 Art. 40 gave the same 12-month validity of a discipline."""
    yield from _discipline_findings(draft, ctx)


@rule(
    "cadres.discipline_block",
    title="Bị kỷ luật: chưa quy hoạch, bổ nhiệm — khiển trách 12, cảnh cáo 30, cách chức 60 tháng",
    kinds={"decision", "planning"},
    source=el.SOURCE_QD80,
    valid_from=el.QD80_FROM,
    valid_to=el.QD377_FROM,
    confidence="S",
)
def discipline_block_qd80(draft: Draft, ctx: Context) -> Iterator[Finding]:
    yield from _discipline_findings(draft, ctx)


@rule(
    "cadres.discipline_block",
    title="Bị kỷ luật: xem xét quy hoạch, bổ nhiệm chức vụ cao hơn sau 24 (khiển trách), 36 (cảnh cáo), 60 tháng (cách chức)",
    kinds={"decision", "planning"},
    source=el.SOURCE_QD377,
    valid_from=el.QD377_FROM,
    confidence="S",
)
def discipline_block_qd377(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """QĐ 377-QĐ/TW replaced QĐ 80 on 8/10/2025. Its periods are known from press reports only
    (`eligibility.BLOCK_MONTHS_QD377`), so they are warnings the user confirms, not errors."""
    yield from _discipline_findings(draft, ctx, Level.WARNING)


@rule(
    "cadres.planning_required",
    title="Bổ nhiệm, giới thiệu ứng cử: nhân sự phải có trong quy hoạch chức danh",
    kinds={"decision"},
    source=SOURCE_PLANNING_REQUIRED,
    confidence="S",
)
def planning_required(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """A warning, not an error: candidates from outside the unit are planned for an equivalent
    post elsewhere, which the catalogue cannot always tell."""
    if not _is_decision(draft, PLANNING_CHECKED):
        return
    wanted = el.position_key(draft.position, _post_unit_id(draft))
    entries = _own_planning(draft, ctx)
    if any(el.position_key(e.position, e.unit_id) == wanted for e in entries):
        return
    yield Finding(
        "cadres.planning_required",
        Level.WARNING,
        MSG_NOT_PLANNED.format(name=_name(draft), post=draft.position, on=el.fmt(draft.effective_on), source=SOURCE_PLANNING_REQUIRED),
        "position",
        SOURCE_PLANNING_REQUIRED,
    )


@rule(
    "cadres.rotation_in_planning",
    title="Luân chuyển cán bộ trong quy hoạch; có thời hạn",
    kinds={"decision"},
    source=SOURCE_ROTATION,
    confidence="S",
)
def rotation_in_planning(draft: Draft, ctx: Context) -> Iterator[Finding]:
    if not _is_decision(draft, frozenset({"rotation"})):
        return
    values = dict(name=_name(draft), post=draft.position, on=el.fmt(draft.effective_on), source=SOURCE_ROTATION)
    if not _own_planning(draft, ctx):
        yield Finding("cadres.rotation_in_planning", Level.WARNING, MSG_ROTATION_NOT_PLANNED.format(**values), "person", SOURCE_ROTATION)
    if draft.end_on is None:
        yield Finding("cadres.rotation_end", Level.WARNING, MSG_ROTATION_NO_END.format(**values), "end_on", SOURCE_ROTATION)


# NĐ 138/2020/NĐ-CP Art. 56: civil servants rotated need 10 years (two terms) of service left.
ROTATION_MIN_SERVICE_MONTHS = 120
SOURCE_ROTATION_AGE = "Nghị định 138/2020/NĐ-CP, Điều 56"
MSG_ROTATION_AGE = (
    "{name} chỉ còn {left} công tác (nghỉ hưu ngày {retire}): luân chuyển đến chức danh {post} thường cần còn ít nhất "
    "10 năm (2 nhiệm kỳ) ({source})"
)


@rule(
    "cadres.rotation_age",
    title="Luân chuyển: còn ít nhất 10 năm công tác (công chức)",
    kinds={"decision"},
    source=SOURCE_ROTATION_AGE,
    valid_from=dt.date(2020, 11, 27),
    confidence="U",
)
def rotation_age(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """A warning: the decree binds civil servants, and a cadre rotated so that a key leader is not
    a local person needs only one term left, which the event does not tell."""
    if not _is_decision(draft, frozenset({"rotation"})):
        return
    person = draft.person
    check = el.term_check(person.birth_date, person.sex, draft.effective_on)
    if check.remaining_months < ROTATION_MIN_SERVICE_MONTHS:
        yield Finding(
            "cadres.rotation_age",
            Level.WARNING,
            MSG_ROTATION_AGE.format(
                name=person.full_name, left=check.remaining_label, retire=el.fmt(check.retirement.on), post=draft.position, source=SOURCE_ROTATION_AGE
            ),
            "person",
            SOURCE_ROTATION_AGE,
        )


# Commonly cited, unconfirmed minimum (DOMAIN-RULES.md §5.5) [U].
ROTATION_MIN_MONTHS = 36


@rule(
    "cadres.rotation_duration",
    title="Thời gian luân chuyển thường ít nhất 36 tháng (chưa xác minh)",
    kinds={"decision"},
    source=SOURCE_ROTATION,
    confidence="U",
)
def rotation_duration(draft: Draft, ctx: Context) -> Iterator[Finding]:
    if not _is_decision(draft, frozenset({"rotation"})) or draft.end_on is None:
        return
    from tochuc.lib.dates import months_between

    months = months_between(draft.effective_on, draft.end_on)
    if months < ROTATION_MIN_MONTHS:
        yield Finding(
            "cadres.rotation_duration",
            Level.WARNING,
            MSG_ROTATION_SHORT.format(name=_name(draft), post=draft.position, months=months, source=SOURCE_ROTATION),
            "end_on",
            SOURCE_ROTATION,
        )


@rule(
    "cadres.party_post_only",
    title="Chỉ định, chuẩn y chỉ áp dụng cho chức danh cấp ủy",
    kinds={"decision"},
    source=SOURCE_PARTY_POST,
    confidence="S",
)
def party_post_only(draft: Draft, ctx: Context) -> Iterator[Finding]:
    if not _is_decision(draft, PARTY_POST_ONLY):
        return
    from tochuc.cadres.selectors import load_post

    unit_id, post_id = _post_unit_id(draft), draft.details.get("post_id")
    post = batch_memo(("post", draft.position, unit_id, post_id), lambda: load_post(position=draft.position, unit_id=unit_id, post_id=post_id))
    if post is None or post.is_party_committee:
        return
    yield Finding(
        "cadres.party_post_only",
        Level.ERROR,
        MSG_PARTY_POST.format(action=DECISION_ACTIONS[draft.subtype].capitalize(), post=draft.position, name=_name(draft), source=SOURCE_PARTY_POST),
        "subtype",
        SOURCE_PARTY_POST,
    )


# --- planning ---------------------------------------------------------------------------------

QD377_FROM = el.QD377_FROM  # [S] signed and in force 8/10/2025 (press of 16/10/2025); replaces QĐ 80-2022 and QĐ 50-2021


def _period(code: str):
    from tochuc.cadres.selectors import period_by_code

    return batch_memo(("period", code), lambda: period_by_code(code))


def _planning_state(draft: Draft, ctx: Context):
    from tochuc.cadres.selectors import load_planning_events

    wanted = el.position_key(draft.position, draft.unit_id)
    term = draft.term
    events = batch_planning_events(term, lambda: load_planning_events(term=term))  # as selectors.load_planning
    in_term = [e for e in el.planning_entries(events, draft.effective_on) if e.person_id != draft.person.pk]
    mine = _own_planning(draft, ctx, term=draft.term)
    in_term += mine
    same_post = [e for e in mine if el.position_key(e.position, e.unit_id) == wanted]
    candidates = [e for e in in_term if el.position_key(e.position, e.unit_id) == wanted]
    return mine, same_post, candidates


@rule(
    "cadres.planning_list",
    title="Quy hoạch: không đưa vào hai lần, chỉ đưa ra người đang có trong quy hoạch",
    kinds={"planning"},
    source="Quy hoạch cán bộ",
)
def planning_list(draft: Draft, ctx: Context) -> Iterator[Finding]:
    if draft.person is None:
        return
    name, post, term = _name(draft), draft.position, draft.term
    _, same_post, _ = _planning_state(draft, ctx)
    if draft.subtype == "remove" and not same_post:
        yield Finding("cadres.planning_not_in_list", Level.ERROR, MSG_NOT_IN_LIST.format(name=name, term=term, post=post), "position")
    elif draft.subtype == "add" and same_post:
        yield Finding(
            "cadres.planning_duplicate", Level.ERROR,
            MSG_ALREADY_PLANNED.format(name=name, term=term, post=post, since=el.fmt(same_post[0].added_on)), "position",
        )
    elif draft.subtype == "add" and _period(term) is None:
        # Info, not a warning: old planning entries are imported before anyone declares their
        # period; the limits and quotas are then simply not checked.
        yield Finding("cadres.planning_period", Level.INFO, MSG_UNKNOWN_PERIOD.format(term=term, post=post, name=name), "term")


def _planning_findings(draft: Draft, ctx: Context, source: str) -> Iterator[Finding]:
    if draft.kind != "planning" or draft.subtype != "add" or draft.person is None:
        return
    period = _period(draft.term)
    mine, same_post, candidates = _planning_state(draft, ctx)
    if period is None or same_post:
        return  # said by cadres.planning_list
    name, post, term = _name(draft), draft.position, draft.term
    level = Level.ERROR if source == SOURCE_PLANNING_377 else Level.WARNING
    if len(candidates) >= period.max_candidates_per_post:
        yield Finding(
            "cadres.planning_candidates_per_post", level,
            MSG_TOO_MANY_CANDIDATES.format(post=post, count=len(candidates), term=term, name=name, limit=period.max_candidates_per_post, source=source),
            "position", source,
        )
    if len(mine) >= period.max_posts_per_person:
        yield Finding(
            "cadres.planning_posts_per_person", level,
            MSG_TOO_MANY_POSTS.format(name=name, count=len(mine), term=term, post=post, limit=period.max_posts_per_person, source=source),
            "position", source,
        )
    person = draft.person
    check = el.term_check(person.birth_date, person.sex, max(period.starts_on, draft.effective_on))
    if not check.full_term:
        yield Finding(
            "cadres.planning_age", Level.WARNING,
            MSG_PLANNING_AGE.format(
                name=name, post=post, term=term, retire=el.fmt(check.retirement.on), age=check.retirement.age_label, source=SOURCE_PLANNING_AGE
            ),
            "person", SOURCE_PLANNING_AGE,
        )


@rule(
    "cadres.planning_limits",
    title="Quy hoạch: tối đa 3 người một chức danh, 3 chức danh một người (chưa xác minh trước 2025)",
    kinds={"planning"},
    source=SOURCE_PLANNING_BEFORE,
    valid_to=QD377_FROM,
    confidence="U",
)
def planning_limits_before(draft: Draft, ctx: Context) -> Iterator[Finding]:
    """Before QĐ 377 the "2–3 per post, 2–3 posts per person" practice is unconfirmed: warnings,
    with the limits taken from the planning period (editable)."""
    yield from _planning_findings(draft, ctx, SOURCE_PLANNING_BEFORE)


@rule(
    "cadres.planning_limits",
    title="Quy hoạch: tối đa 3 người một chức danh, 3 chức danh một người",
    kinds={"planning"},
    source=SOURCE_PLANNING_377,
    valid_from=QD377_FROM,
    confidence="S",
)
def planning_limits_377(draft: Draft, ctx: Context) -> Iterator[Finding]:
    yield from _planning_findings(draft, ctx, SOURCE_PLANNING_377)

"""Unit versions as a projection of the unit events.

Each unit has its own timeline of (name, kind, parent) segments from its founding, rename,
reparent, merger and dissolution events. Its versions are those segments cut wherever the
parent's path changes, so a path is always that of the tree on the version's dates. Children of a
unit that merged continue under the unit it joined.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from tochuc.units.models import path_segment


@dataclass(frozen=True)
class UnitEventData:
    id: int
    unit_id: int
    kind: str
    effective_on: dt.date
    to_unit_id: int | None
    name: str  # for founding: the name; for rename: the new name
    unit_kind: str  # for founding (and optionally rename): the kind


@dataclass(frozen=True)
class Segment:
    valid_from: dt.date
    valid_to: dt.date | None
    name: str
    kind: str
    parent_id: int | None


@dataclass(frozen=True)
class VersionRow:
    unit_id: int
    name: str
    kind: str
    parent_id: int | None
    path: str
    depth: int
    valid_from: dt.date
    valid_to: dt.date | None


KIND_ORDER = {"founding": 0, "rename": 1, "reparent": 2, "merger": 3, "dissolution": 4}


def own_segments(events: Iterable[UnitEventData]) -> list[Segment]:
    ordered = sorted(events, key=lambda e: (e.effective_on, KIND_ORDER.get(e.kind, 9), e.id))
    segments: list[Segment] = []
    current: Segment | None = None
    for ev in ordered:
        if ev.kind == "founding":
            if current is not None:
                continue
            current = Segment(ev.effective_on, None, ev.name, ev.unit_kind, ev.to_unit_id)
            continue
        if current is None:
            continue
        if ev.kind in ("rename", "reparent"):
            name = ev.name if ev.kind == "rename" and ev.name else current.name
            kind = ev.unit_kind if ev.kind == "rename" and ev.unit_kind else current.kind
            parent = ev.to_unit_id if ev.kind == "reparent" else current.parent_id
            if ev.effective_on > current.valid_from:
                segments.append(Segment(current.valid_from, ev.effective_on, current.name, current.kind, current.parent_id))
                current = Segment(ev.effective_on, None, name, kind, parent)
            else:
                current = Segment(current.valid_from, None, name, kind, parent)
        elif ev.kind in ("merger", "dissolution"):
            if ev.effective_on > current.valid_from:
                segments.append(Segment(current.valid_from, ev.effective_on, current.name, current.kind, current.parent_id))
            current = None
    if current is not None:
        segments.append(current)
    return segments


def _overlap(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date | None) -> tuple[dt.date, dt.date | None] | None:
    start = max(a_from, b_from)
    if a_to is None:
        end = b_to
    elif b_to is None:
        end = a_to
    else:
        end = min(a_to, b_to)
    if end is not None and end <= start:
        return None
    return start, end


def versions_for(
    unit_id: int,
    segments: Sequence[Segment],
    parent_versions: Mapping[int, Sequence[VersionRow]],
    mergers: Mapping[int, tuple[dt.date, int]],
) -> list[VersionRow]:
    """Versions of one unit, given the (already computed) versions of every possible parent."""
    rows: list[VersionRow] = []
    own = path_segment(unit_id)
    for seg in segments:
        if seg.parent_id is None:
            rows.append(VersionRow(unit_id, seg.name, seg.kind, None, own, 0, seg.valid_from, seg.valid_to))
            continue
        # Walk the parent, then the unit it merged into, across the segment.
        cursor = seg.valid_from
        parent = seg.parent_id
        hops = 0
        while cursor is not None and hops < 20:
            covered = False
            for pv in parent_versions.get(parent, ()):
                ov = _overlap(cursor, seg.valid_to, pv.valid_from, pv.valid_to)
                if ov is None or ov[0] != cursor:
                    continue
                rows.append(
                    VersionRow(unit_id, seg.name, seg.kind, parent, pv.path + own, pv.depth + 1, ov[0], ov[1])
                )
                cursor = ov[1]
                covered = True
                break
            if cursor is None or (seg.valid_to is not None and cursor >= seg.valid_to):
                break
            if covered:
                continue
            merged = mergers.get(parent)
            if merged is not None and merged[0] <= cursor:
                parent = merged[1]
                hops += 1
                continue
            # Parent missing on these dates (a data error): keep the unit visible as a root
            # until the parent's next version, rather than letting it vanish.
            nxt = min(
                (pv.valid_from for pv in parent_versions.get(parent, ()) if pv.valid_from > cursor),
                default=None,
            )
            end = nxt if seg.valid_to is None or (nxt is not None and nxt < seg.valid_to) else seg.valid_to
            rows.append(VersionRow(unit_id, seg.name, seg.kind, parent, own, 0, cursor, end))
            cursor = end
            hops += 1
    return _merge_adjacent(rows)


def _merge_adjacent(rows: list[VersionRow]) -> list[VersionRow]:
    out: list[VersionRow] = []
    for row in sorted(rows, key=lambda r: r.valid_from):
        if out:
            last = out[-1]
            if (
                last.valid_to == row.valid_from
                and (last.name, last.kind, last.parent_id, last.path) == (row.name, row.kind, row.parent_id, row.path)
            ):
                out[-1] = VersionRow(
                    last.unit_id, last.name, last.kind, last.parent_id, last.path, last.depth, last.valid_from, row.valid_to
                )
                continue
        out.append(row)
    return out


def compute_versions(
    events_by_unit: Mapping[int, Sequence[UnitEventData]],
    mergers: Mapping[int, tuple[dt.date, int]],
    known_versions: Mapping[int, Sequence[VersionRow]] | None = None,
) -> dict[int, list[VersionRow]]:
    """Versions of the units in `events_by_unit`, parents first.

    `known_versions` supplies the versions of units outside the set (unchanged ancestors).
    """
    segments = {uid: own_segments(evs) for uid, evs in events_by_unit.items()}
    result: dict[int, list[VersionRow]] = {}
    lookup: dict[int, Sequence[VersionRow]] = dict(known_versions or {})
    # Dependencies: a unit needs every unit it was ever under (and their merger targets).
    deps: dict[int, set[int]] = {}
    for uid, segs in segments.items():
        d: set[int] = set()
        for s in segs:
            p = s.parent_id
            hops = 0
            while p is not None and hops < 20:
                d.add(p)
                p = mergers[p][1] if p in mergers else None
                hops += 1
        deps[uid] = {p for p in d if p in segments and p != uid}
    done: set[int] = set()
    pending = set(segments)
    while pending:
        ready = [u for u in pending if deps[u] <= done]
        if not ready:  # a cycle in the data: compute the rest with what is known
            ready = sorted(pending)[:1]
        for uid in sorted(ready):
            rows = versions_for(uid, segments[uid], lookup, mergers)
            result[uid] = rows
            lookup[uid] = rows
            done.add(uid)
            pending.discard(uid)
    return result

"""Exporting a subtree in the import format (DESIGN.md §5), so an export imports back unchanged.

Rows are streamed (openpyxl write-only, csv writer) and only what the scope allows is read, via
`tochuc.accounts.scoping`. Every text cell is neutralised against formula injection (SECURITY.md
D6); the caller logs the export with its row count and SHA-256 (D7).

Units: the `units` sheet holds each unit as founded (name, kind, parent, date); later renames,
moves, mergers and dissolutions are rows of the `events` sheet, so the tree's history survives the
round trip. Units outside the subtree that exported rows point to (a transfer to another district,
the province above) are included with their ancestors, so the file imports into an empty database.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.cadres.models import DefenseGroup, PoliticalTheory, Post, Professional, StateManagement
from tochuc.events.kinds import KINDS, UNIT_TREE_KINDS, Subject, kind_label, subtype_label
from tochuc.events.models import Event
from tochuc.events.projections import live_events
from tochuc.imports.cells import neutralise
from tochuc.imports.schema import SHEETS, Sheet
from tochuc.lib.dates import format_date
from tochuc.people.models import Person, Sex
from tochuc.reports.models import Target
from tochuc.units.models import Unit, UnitKind

DATE_FORMAT = "DD/MM/YYYY"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportResult:
    rows: int
    sha256: str


class _Data:
    """What one export contains, read through the scoping module."""

    def __init__(self, scope: Scope):
        self.scope = scope
        units_ever = scoping.units(scope)
        unit_ids = set(units_ever.values_list("id", flat=True))
        # `scoping.people` is today's tree: someone whose record stays with a unit that has since
        # merged or dissolved (a member who died in 2022 in a branch merged in 2023) would drop
        # out of the export and of past years' figures. Their record unit was in the subtree, so
        # they belong to it: the people whose record unit is, or was, under the scope's roots.
        self.people_qs = Person.objects.filter(state__unit__in=units_ever).order_by("code")
        self.person_events = (
            Event.objects.filter(person__in=self.people_qs.values("pk"), void__isnull=True).order_by("person__code", "effective_on", "id")
        )
        # units pointed at by exported rows, and their own parents and targets, until closed
        referenced = set(
            self.person_events.exclude(unit__isnull=True).values_list("unit_id", flat=True).distinct()
        ) | set(self.person_events.exclude(to_unit__isnull=True).values_list("to_unit_id", flat=True).distinct())
        referenced |= set(self.people_qs.exclude(registered_unit__isnull=True).values_list("registered_unit_id", flat=True))
        todo = referenced | unit_ids
        known: set[int] = set()
        while todo - known:
            new = todo - known
            known |= new
            todo = known | set(
                live_events()
                .filter(person__isnull=True, unit_id__in=new, to_unit__isnull=False)
                .values_list("to_unit_id", flat=True)
            )
        self.unit_ids = known
        self.codes = dict(Unit.objects.filter(pk__in=known).values_list("id", "code"))

    def unit_rows(self) -> Iterator[tuple]:
        founding = {
            e.unit_id: e
            for e in live_events().filter(person__isnull=True, kind="founding", unit_id__in=self.unit_ids).order_by("id")
        }
        for unit_id, code in sorted(self.codes.items(), key=lambda kv: kv[1]):
            ev = founding.get(unit_id)
            if ev is None:
                continue
            kind = ev.details.get("unit_kind", "")
            yield (
                code,
                ev.details.get("name", ""),
                UnitKind(kind).label if kind in UnitKind.values else kind,
                self.codes.get(ev.to_unit_id, "") if ev.to_unit_id else "",
                ev.effective_on,
            )

    _EVENT_FIELDS = (
        "person_id", "kind", "subtype", "effective_on", "end_on", "unit_id", "to_unit_id", "position", "term", "year",
        "decision_no", "decided_on", "decided_by", "note", "details", "confirmed",
    )

    def event_rows(self) -> Iterator[tuple]:
        unit_events = (
            live_events()
            .filter(person__isnull=True, unit_id__in=self.unit_ids)
            .exclude(kind="founding")
            .order_by("effective_on", "id")
            .values_list(*self._EVENT_FIELDS)
        )
        yield from (self._event_row("", e, Subject.UNIT) for e in unit_events.iterator(chunk_size=2000))
        person_codes = dict(self.people_qs.values_list("id", "code"))
        # tuples, not model instances: a city has 660 000 events
        for e in self.person_events.values_list(*self._EVENT_FIELDS).iterator(chunk_size=5000):
            yield self._event_row(person_codes.get(e[0], ""), e, Subject.PERSON)

    def _event_row(self, person_code: str, e: tuple, subject: Subject) -> tuple:
        (_, kind, subtype, effective_on, end_on, unit_id, to_unit_id, position, term, year,
         decision_no, decided_on, decided_by, note, details, confirmed) = e
        details = dict(details or {})
        if kind in UNIT_TREE_KINDS:
            details.pop("name", None)
        codes = self.codes
        return (
            person_code,
            kind_label(kind),
            subtype_label(kind, subtype, subject) if kind in KINDS else subtype,
            effective_on,
            end_on,
            codes.get(unit_id, "") if unit_id else "",
            codes.get(to_unit_id, "") if to_unit_id else "",
            position,
            term,
            year,
            decision_no,
            decided_on,
            decided_by,
            note,
            json.dumps(details, ensure_ascii=False, sort_keys=True) if details else "",
            ", ".join(confirmed or []),
        )

    def person_rows(self) -> Iterator[tuple]:
        sexes = dict(Sex.choices)
        for p in self.people_qs.iterator(chunk_size=5000):
            yield (
                p.code, p.full_name, p.birth_date, sexes.get(p.sex, p.sex), p.ethnicity, p.religion, p.national_id,
                p.hometown, p.education, p.profession, self.codes.get(p.registered_unit_id, "") if p.registered_unit_id else "", "",
            )

    def target_rows(self) -> Iterator[tuple]:
        for t in Target.objects.filter(unit_id__in=self.unit_ids).order_by("unit__code", "year", "metric"):
            yield (self.codes[t.unit_id], t.year, t.metric, t.value)

    def post_rows(self) -> Iterator[tuple]:
        """One row per standard of a post (the post's columns repeated), or one for a post without standards."""
        levels = {
            "political_theory": dict(PoliticalTheory.choices), "state_management": dict(StateManagement.choices),
            "professional": dict(Professional.choices), "defense_group": dict(DefenseGroup.choices),
        }
        posts = Post.objects.filter(unit_id__in=self.unit_ids).prefetch_related("standards")
        for post in sorted(posts, key=lambda p: (self.codes[p.unit_id], p.name)):
            head = (self.codes[post.unit_id], post.name, post.get_managing_level_display(), "Có" if post.is_party_committee else "Không")
            standards = sorted(post.standards.all(), key=lambda s: s.valid_from)
            if not standards:
                yield (*head, None, None, "", "", "", "", "")
            for s in standards:
                yield (
                    *head, s.valid_from, s.valid_to,
                    *(levels[k][getattr(s, k)] if getattr(s, k) else "" for k in levels),
                    s.source,
                )

    def rows(self, sheet: Sheet) -> Iterator[tuple]:
        return {
            "units": self.unit_rows, "posts": self.post_rows, "people": self.person_rows, "events": self.event_rows,
            "targets": self.target_rows,
        }[sheet.key]()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(value)
    return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def write_xlsx(scope: Scope, out: IO[bytes]) -> int:
    data = _Data(scope)
    wb = Workbook(write_only=True)
    rows = 0
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.key)
        bold = Font(bold=True)
        header = []
        for c in sheet.columns:
            cell = WriteOnlyCell(ws, value=c.label)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in data.rows(sheet):
            values = []
            for v in row:
                if isinstance(v, dt.date):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.number_format = DATE_FORMAT
                    values.append(cell)
                else:
                    values.append(_xlsx_value(v))
            ws.append(values)
            rows += 1
    wb.save(out)
    return rows


def write_csv_folder(scope: Scope, folder: Path) -> tuple[int, str]:
    data = _Data(scope)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    rows = 0
    for sheet in SHEETS:
        path = folder / f"{sheet.key}.csv"
        # utf-8 with BOM: Excel then opens Vietnamese text correctly; the importer accepts both
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.key for c in sheet.columns])
            for row in data.rows(sheet):
                writer.writerow([_csv_value(v) for v in row])
                rows += 1
        digest.update(path.read_bytes())
    return rows, digest.hexdigest()


def export_workbook(scope: Scope, target: Path | str | IO[bytes]) -> ExportResult:
    """Write the export to a path (.xlsx, or a folder of CSV files when it ends with "/") or a stream."""
    if isinstance(target, str) and target.endswith("/"):
        rows, sha = write_csv_folder(scope, Path(target))
        return ExportResult(rows, sha)
    if isinstance(target, str | Path):
        with open(target, "wb") as fh:
            rows = write_xlsx(scope, fh)
        return ExportResult(rows, hashlib.sha256(Path(target).read_bytes()).hexdigest())
    buffer = io.BytesIO()
    rows = write_xlsx(scope, buffer)
    content = buffer.getvalue()
    target.write(content)
    return ExportResult(rows, hashlib.sha256(content).hexdigest())


def unit_scope(unit: Unit, role: str = "admin", user_id: int | None = None) -> Scope:
    """The scope of one unit's subtree (the command line's --unit, or a narrowed web export)."""
    return Scope(user_id, (scoping.ScopeGrant(unit.pk, scoping.Role(role)),))


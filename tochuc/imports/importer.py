"""Importing a workbook: everything checked, then everything written, or nothing.

Stages:
1. read — every row of every sheet is streamed, converted and checked for shape (types, dates,
   enumerations, required values, duplicates inside the file); references to units and people
   are resolved against the file and the database, within the importer's scope. The event rows
   are kept on disk (`imports/spill.py`) and read back a batch at a time: memory follows the
   people and units of a file, not its events.
2. judge and write — inside ONE transaction, units (with the unit events, in date order, parents
   first) go through the unit services, people through `person_create`, each person's events in
   date order through `event_record_many` (the rules as of each event's date, against the
   person's history), targets last. A refused row is recorded as a problem and the next row is
   judged as if it had not been there.
3. if any problem blocks, or for a dry run, the transaction is rolled back: nothing is written.

The services are what judge the rules, so stage 2 needs the rows of stage 1 in the database to
judge the next ones (an admission needs the branch founded two rows above); the transaction
makes that invisible to everyone else until the whole file has passed.

Identity (re-importing changes nothing): a unit by code; a person by code, or by national ID
with the same name and birth date; an event by person, kind, subtype, effective date and unit;
a target by unit, year and metric.
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.db import transaction

from tochuc.accounts import scoping
from tochuc.accounts.scoping import Scope
from tochuc.cadres.models import (
    DefenseGroup,
    ManagingLevel,
    PoliticalTheory,
    Post,
    PostStandard,
    Professional,
    StateManagement,
)
from tochuc.cadres.services import post_create, post_standard_set
from tochuc.core.db import analyze
from tochuc.core.findings import Finding, Level, RecordRefused
from tochuc.core.models import audit
from tochuc.events.fold import KIND_ORDER, EventData
from tochuc.events.kinds import UNIT_TREE_KINDS, Subject, find_kind, find_subtype
from tochuc.events.projections import live_events, load_mergers, load_person_events, refresh_people
from tochuc.events.services import (
    BatchRefused,
    EventSink,
    MergersByDay,
    event_record_many,
    version_picker,
)
from tochuc.imports.cells import MSG_REQUIRED, CellError, convert, to_text
from tochuc.imports.reader import (
    WEB_LIMITS,
    Limits,
    SheetSource,
    WorkbookRefused,
    WorkbookSource,
    is_blank,
)
from tochuc.imports.schema import (
    ERROR_COLUMN,
    Column,
    Sheet,
    find_column,
    find_sheet,
)
from tochuc.imports.spill import EventSpill
from tochuc.lib.dates import format_date
from tochuc.lib.vntext import normalize_name
from tochuc.people.models import Person
from tochuc.people.services import MSG_SEX, find_sex, person_create_many
from tochuc.reports.models import Target
from tochuc.rules.evaluation import judging_in_batch
from tochuc.units.models import Unit
from tochuc.units.services import (
    MSG_KIND,
    MSG_NOT_EXISTS,
    find_unit_kind,
    unit_dissolve,
    unit_found_many,
    unit_merge,
    unit_rename,
    unit_reparent,
)

# Problem levels. Errors and unconfirmed warnings block the import; confirmed warnings and
# notices are listed in the summary.
ERROR, UNCONFIRMED, CONFIRMED, NOTICE = "error", "unconfirmed", "confirmed", "notice"
BLOCKING = frozenset({ERROR, UNCONFIRMED})
LEVEL_LABELS = {ERROR: "Lỗi", UNCONFIRMED: "Cảnh báo chưa xác nhận", CONFIRMED: "Cảnh báo đã xác nhận", NOTICE: "Lưu ý"}

MSG_NO_SHEET = "Sổ không có trang nào theo mẫu (units/Đơn vị, posts/Chức danh, people/Người, events/Sự kiện, targets/Chỉ tiêu)"
MSG_SHEET_TWICE = "Trang “{label}” xuất hiện hai lần"
MSG_SHEET_IGNORED = "Trang “{name}” không thuộc mẫu: bỏ qua"
MSG_MISSING_COLUMN = "Thiếu cột bắt buộc “{label}” ({key})"
MSG_COLUMN_IGNORED = "Cột “{name}” không thuộc mẫu trang “{sheet}”: bỏ qua"
MSG_COLUMN_TWICE = "Cột “{label}” xuất hiện hai lần"
MSG_DUPLICATE_ROW = "Trùng với dòng {row}"
MSG_DUPLICATE_EVENT = "Trùng với dòng {row} (cùng người, loại, phân loại, ngày hiệu lực và đơn vị)"
MSG_DUPLICATE_ID = "Số CCCD trùng với dòng {row}"
MSG_UNKNOWN_KIND = "Loại sự kiện không hợp lệ: {value!r}"
MSG_UNKNOWN_UNIT = "Không có đơn vị mã {value!r} trong tệp hoặc trong phạm vi của bạn"
MSG_UNKNOWN_PERSON = "Không có người mã {value!r} trong tệp hoặc trong phạm vi của bạn"
MSG_UNIT_TAKEN = "Mã đơn vị {value!r} đã được dùng ngoài phạm vi của bạn"
MSG_ROOT_NEEDS_ADMIN = "Chỉ được tạo đơn vị dưới một đơn vị trong phạm vi của bạn: cần mã đơn vị cấp trên"
MSG_PARENT_CYCLE = "Đơn vị cấp trên tạo thành vòng lặp"
MSG_PERSON_TAKEN = "Mã người {value!r} đã được dùng"
MSG_PERSON_DIFFERS = "Mã người {value!r} đã có với thông tin khác ({name}, sinh {birth}, CCCD {nid}): hệ thống không ghi đè hồ sơ khi nhập; sửa trên trang hồ sơ"
MSG_ID_TAKEN = "Số CCCD {value} đã thuộc về một người khác ({other})"
MSG_SAME_PERSON = "Người này đã có với mã {other} (cùng CCCD, họ tên, ngày sinh): dùng hồ sơ đó"
MSG_FOUNDING_IN_EVENTS = "Việc thành lập đơn vị ghi ở trang “Đơn vị”, không ở trang “Sự kiện”"
MSG_UNIT_EVENT_SCOPE = "Đơn vị {value!r} không thuộc phạm vi của bạn"
MSG_NOT_IN_SCOPE = "Sự kiện phải liên quan tới một đơn vị trong phạm vi của bạn"
MSG_UNCONFIRMED = "{message} — cảnh báo [{code}]: ghi mã này vào cột “Xác nhận cảnh báo” hoặc chọn xác nhận mọi cảnh báo"
MSG_CONFIRMED = "{message} — đã xác nhận [{code}]"
MSG_CHOICE = "Giá trị {value!r} không có trong danh sách: chọn một trong {choices}"
MSG_YES_NO = "Giá trị {value!r} không hợp lệ: ghi Có hoặc Không"
MSG_STANDARD_NEEDS_DATE = "Dòng có tiêu chuẩn nhưng thiếu ngày “Tiêu chuẩn áp dụng từ”"
MSG_POST_ROW_DIFFERS = "Chức danh {name!r} của đơn vị {unit} đã ghi ở dòng {row} với cấp quản lý hoặc chức danh cấp ủy khác"
MSG_DUPLICATE_STANDARD = "Trùng với dòng {row} (cùng chức danh, cùng ngày áp dụng tiêu chuẩn)"
MSG_POST_DIFFERS = (
    "Chức danh {name!r} của đơn vị {unit} đã có với thông tin khác ({level}, chức danh cấp ủy: {party}): "
    "hệ thống không ghi đè khi nhập; sửa trên trang chức danh"
)
MSG_STANDARD_DIFFERS = (
    "Chức danh {name!r} của đơn vị {unit} đã có tiêu chuẩn áp dụng từ {since} với nội dung khác: "
    "hệ thống không ghi đè khi nhập; sửa trên trang chức danh"
)

# finding.field (service vocabulary) -> column key, per sheet
_UNIT_FIELDS = {"parent": "parent_code", "to_unit": "to_unit_code", "unit": "unit_code"}
_EVENT_FIELDS = {"unit": "unit_code", "to_unit": "to_unit_code", "person": "person_code"}

# Same-day order of unit events: a unit is founded, renamed and moved before units are merged or
# dissolved (the 2025 reorganisation moves the branches out of a district, then dissolves it).
_UNIT_DAY_ORDER = {"rename": 0, "reparent": 1, "merger": 2, "dissolution": 3}

Progress = Callable[[str, int, int | None], None]
# People whose stored histories are read in one query when their events are judged
PEOPLE_BATCH = 500
# Accepted events held before one insert (EventSink): a few thousand rows a statement
SINK_ROWS = 5000
# Unit events outside the tree (congresses, ratings) judged together through event_record_many
UNIT_EVENTS_BATCH = 1000
# Columns whose values are mostly unique: not interned
UNIQUE_COLUMNS = frozenset({"decision_no", "note", "full_name", "national_id", "details"})
# The details of the (many) rows without any: one shared, read-only mapping
NO_DETAILS: Mapping[str, Any] = MappingProxyType({})
# An import of this many rows ends with ANALYZE (VACUUM ANALYZE on PostgreSQL): see core.db.analyze
ANALYZE_AFTER_ROWS = 20_000


@dataclass(frozen=True)
class Problem:
    sheet: str  # sheet key, "" for the file as a whole
    row: int | None
    column: str  # column key, "" when the row or sheet as a whole
    value: str
    message: str
    level: str = ERROR
    code: str = ""

    @property
    def sheet_label(self) -> str:
        sheet = find_sheet(self.sheet) if self.sheet else None
        return sheet.label if sheet else self.sheet

    @property
    def column_label(self) -> str:
        sheet = find_sheet(self.sheet) if self.sheet else None
        column = find_column(sheet, self.column) if sheet and self.column else None
        return column.label if column else self.column

    def line(self) -> str:
        where = [f"Trang {self.sheet_label}"] if self.sheet else ["Tệp"]
        if self.row:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột {self.column_label}")
        value = f" [{self.value}]" if self.value else ""
        return f"{LEVEL_LABELS[self.level]}: {', '.join(where)}{value}: {self.message}"


@dataclass
class Outcome:
    problems: list[Problem] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    dry_run: bool = False
    committed: bool = False
    rows_read: int = 0

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if p.level in BLOCKING]

    @property
    def ok(self) -> bool:
        return not self.blocking

    def summary(self) -> str:
        names = {
            "units": "đơn vị", "posts": "chức danh", "standards": "tiêu chuẩn chức danh", "people": "người",
            "events": "sự kiện", "targets": "chỉ tiêu",
        }

        def counts(counter: Counter) -> str:
            return ", ".join(f"{counter[k]} {v}" for k, v in names.items() if counter[k]) or "không có gì"

        if not self.ok:
            return f"Không nhập gì: {len(self.blocking)} lỗi cần sửa (đã đọc {self.rows_read} dòng)"
        if not sum(self.created.values()):
            return f"Không có gì thay đổi: mọi dòng đã có trong cơ sở dữ liệu ({counts(self.unchanged)})"
        verb = "Kiểm tra thử, chưa ghi gì: sẽ nhập" if self.dry_run else "Đã nhập"
        text = f"{verb} {counts(self.created)}"
        if sum(self.unchanged.values()):
            text += f"; đã có, giữ nguyên: {counts(self.unchanged)}"
        return text


@dataclass(slots=True)
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    founded_on: dt.date


@dataclass(slots=True)
class PersonRow:
    row: int
    code: str
    values: dict
    registered_unit_code: str
    confirm: frozenset


@dataclass(slots=True)
class EventRow:
    row: int
    person_code: str
    kind: str
    subtype: str
    effective_on: dt.date
    end_on: dt.date | None
    unit_code: str
    to_unit_code: str
    position: str
    term: str
    year: int | None
    decision_no: str
    decided_on: dt.date | None
    decided_by: str
    note: str
    details: Mapping[str, Any]
    confirm: frozenset

    def sort_key(self) -> tuple:
        return (self.effective_on, KIND_ORDER.get(self.kind, 5), self.row)


@dataclass(slots=True)
class PostRow:
    row: int
    unit_code: str
    name: str
    managing_level: str
    is_party_committee: bool
    valid_from: dt.date | None
    valid_to: dt.date | None
    standard: dict  # political_theory, state_management, professional, defense_group (int levels)
    source: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.unit_code, self.name.casefold())


@dataclass(slots=True)
class TargetRow:
    row: int
    unit_code: str
    year: int
    metric: str
    value: int


class _Rollback(Exception):
    pass


_NO_CODES: frozenset = frozenset()


def _confirm_codes(text: str) -> frozenset:
    if not text:
        return _NO_CODES
    return frozenset(c for c in re.split(r"[\s,;]+", text) if c)


def _chunks(items: list, size: int = 900) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Importer:
    """One import run. `scope=None` is the system (the command line without --user)."""

    def __init__(
        self,
        *,
        by=None,
        scope: Scope | None = None,
        dry_run: bool = False,
        confirm_all: bool = False,
        limits: Limits = WEB_LIMITS,
        progress: Progress | None = None,
    ):
        self.by, self.dry_run, self.confirm_all, self.limits = by, dry_run, confirm_all, limits
        self.progress = progress or (lambda stage, done, total: None)
        self.scope = None
        if scope is not None:
            # only the subtrees where the user's role allows importing
            self.scope = Scope(scope.user_id, tuple(g for g in scope.grants if scoping.allows(g.role, "import")))
        self.outcome = Outcome(dry_run=dry_run)
        self.units: dict[str, UnitRow] = {}
        # People, units, posts and targets stay in memory (a city: 80 000 people, 2 000 units);
        # the events (a city: 770 000 rows) go to a file on disk, read back batch by batch
        self.people: dict[str, PersonRow] = {}
        self.spill: EventSpill | None = None
        self.targets: list[TargetRow] = []
        self.posts: list[PostRow] = []
        self._strings: dict[str, str] = {}

    # --- problems ---
    def problem(self, sheet: str, row: int | None, column: str, value: Any, message: str, level: str = ERROR, code: str = "") -> None:
        self.outcome.problems.append(Problem(sheet, row, column, to_text(value)[:200], message, level, code))

    def findings(self, sheet: str, row: int, findings: Iterable[Finding], confirmed: frozenset, fields: dict[str, str], values: dict[str, Any]) -> bool:
        """Record a refused row's findings; True if any of them blocks."""
        blocking = False
        for f in findings:
            column = fields.get(f.field, f.field)
            value = values.get(column, "")
            if f.level == Level.ERROR:
                self.problem(sheet, row, column, value, str(f), ERROR, f.code)
                blocking = True
            elif f.level == Level.WARNING:
                if f.code in confirmed or self.confirm_all:
                    self.problem(sheet, row, column, value, MSG_CONFIRMED.format(message=str(f), code=f.code), CONFIRMED, f.code)
                else:
                    self.problem(sheet, row, column, value, MSG_UNCONFIRMED.format(message=str(f), code=f.code), UNCONFIRMED, f.code)
                    blocking = True
        return blocking

    # --- entry point ---
    def run(self, path: Path | str) -> Outcome:
        try:
            return self._run(path)
        finally:
            self.close()

    def close(self) -> None:
        """Delete the events' file on disk (`run` does it)."""
        if self.spill is not None:
            self.spill.close()
            self.spill = None

    def _run(self, path: Path | str) -> Outcome:
        try:
            with WorkbookSource(Path(path), self.limits) as source:
                self.read(source.sheets)
        except WorkbookRefused as refused:
            self.problem(find_sheet(refused.sheet).key if refused.sheet and find_sheet(refused.sheet) else refused.sheet, refused.row, "", "", refused.message)
            return self.outcome
        if any(p.sheet == "" and p.level == ERROR for p in self.outcome.problems):
            return self.outcome
        self.resolve()
        try:
            with transaction.atomic():
                self.write()
                if not self.outcome.ok or self.dry_run:
                    raise _Rollback
                self.outcome.committed = True
                if getattr(self.by, "pk", None):
                    audit(by=self.by, action="import", obj=self.by, changes={"created": dict(self.outcome.created)})
        except _Rollback:
            pass
        if self.outcome.committed and sum(self.outcome.created.values()) and self.outcome.rows_read >= ANALYZE_AFTER_ROWS:
            # a large load leaves the planner without statistics for what it wrote
            self.progress("Cập nhật thống kê cơ sở dữ liệu", 0, 1)
            analyze()
            self.progress("Cập nhật thống kê cơ sở dữ liệu", 1, 1)
        return self.outcome

    # --- stage 1: read ---
    def read(self, sources: list[SheetSource]) -> None:
        seen: dict[str, str] = {}
        if self.spill is None:
            self.spill = EventSpill()
        for source in sources:
            sheet = find_sheet(source.name)
            if sheet is None:
                if source.name not in ("Hướng dẫn", "Danh mục"):  # the template's own help sheets
                    self.problem("", None, "", source.name, MSG_SHEET_IGNORED.format(name=source.name), NOTICE)
                continue
            if sheet.key in seen:
                self.problem(sheet.key, None, "", source.name, MSG_SHEET_TWICE.format(label=sheet.label))
                continue
            seen[sheet.key] = source.name
            if source.merged is not None:
                for ref in source.merged():
                    first = re.match(r"[A-Z]+([0-9]+)", ref)
                    self.problem(sheet.key, int(first.group(1)) if first else None, "", ref, f"Ô gộp {ref}: hãy bỏ gộp ô và điền giá trị vào từng dòng")
            handler = {
                "units": self._unit_row, "posts": self._post_row, "people": self._person_row, "events": self._event_row,
                "targets": self._target_row,
            }[sheet.key]
            for number, cells in self._rows(source, sheet):
                handler(number, cells)
        self.spill.finish()
        if not seen:
            self.problem("", None, "", "", MSG_NO_SHEET)

    def _rows(self, source: SheetSource, sheet: Sheet):
        header: dict[int, Column] | None = None
        done = 0
        interning = sheet.key != "events"
        for number, values in source.rows():
            if is_blank(values):
                continue
            if header is None:
                header = self._header(sheet, number, values)
                if header is None:
                    return
                continue
            cells: dict[str, Any] = {}
            ok = True
            for index, column in header.items():
                raw = values[index] if index < len(values) else None
                try:
                    value = convert(column.type, raw)
                except CellError as exc:
                    self.problem(sheet.key, number, column.key, raw, str(exc))
                    ok = False
                    continue
                if column.required and value in (None, ""):
                    self.problem(sheet.key, number, column.key, "", MSG_REQUIRED)
                    ok = False
                # one copy of the values that repeat; not of those that are mostly unique (the
                # intern table would keep every decision number of a city's history)
                # (event rows go to disk at once: nothing to share)
                repeats = interning and column.key not in UNIQUE_COLUMNS and isinstance(value, str) and len(value) < 40
                cells[column.key] = self._intern(value) if repeats else value
            done += 1
            self.outcome.rows_read += 1
            if done % 5000 == 0:
                self.progress(f"Đọc trang {sheet.label}", done, None)
            if ok:
                yield number, cells
        self.progress(f"Đọc trang {sheet.label}", done, done)

    def _intern(self, text: str) -> str:
        # codes, kinds and units repeat on hundreds of thousands of rows: keep one copy of each
        return self._strings.setdefault(text, text)

    def _header(self, sheet: Sheet, number: int, values: tuple) -> dict[int, Column] | None:
        header: dict[int, Column] = {}
        for index, raw in enumerate(values):
            text = to_text(raw)
            if not text or text == ERROR_COLUMN:
                continue
            column = find_column(sheet, text)
            if column is None:
                self.problem(sheet.key, number, "", text, MSG_COLUMN_IGNORED.format(name=text, sheet=sheet.label), NOTICE)
            elif column in header.values():
                self.problem(sheet.key, number, column.key, text, MSG_COLUMN_TWICE.format(label=column.label))
            else:
                header[index] = column
        missing = [c for c in sheet.columns if c.header_required and c not in header.values()]
        for column in missing:
            self.problem(sheet.key, number, column.key, "", MSG_MISSING_COLUMN.format(label=column.label, key=column.key))
        return None if missing else header

    def _unit_row(self, number: int, c: dict) -> None:
        kind = find_unit_kind(c["kind"])
        if kind is None:
            self.problem("units", number, "kind", c["kind"], MSG_KIND.format(value=c["kind"]))
            return
        if c["code"] in self.units:
            self.problem("units", number, "code", c["code"], MSG_DUPLICATE_ROW.format(row=self.units[c["code"]].row))
            return
        self.units[c["code"]] = UnitRow(number, c["code"], normalize_name(c["name"]), kind, c.get("parent_code", ""), c["founded_on"])

    def _person_row(self, number: int, c: dict) -> None:
        sex = find_sex(c["sex"])
        if sex is None:
            self.problem("people", number, "sex", c["sex"], MSG_SEX.format(value=c["sex"]))
            return
        if c["code"] in self.people:
            self.problem("people", number, "code", c["code"], MSG_DUPLICATE_ROW.format(row=self.people[c["code"]].row))
            return
        values = {k: c.get(k, "") for k in ("full_name", "ethnicity", "religion", "national_id", "hometown", "education", "profession")}
        values["birth_date"], values["sex"] = c["birth_date"], sex
        self.people[c["code"]] = PersonRow(number, c["code"], values, c.get("registered_unit_code", ""), _confirm_codes(c.get("confirm", "")))

    def _event_row(self, number: int, c: dict) -> None:
        spec = find_kind(c["kind"])
        if spec is None:
            self.problem("events", number, "kind", c["kind"], MSG_UNKNOWN_KIND.format(value=c["kind"]))
            return
        subject = Subject.PERSON if c["person_code"] else Subject.UNIT
        subtype = c.get("subtype", "")
        if subtype:
            subtype = find_subtype(spec, subtype, subject) or subtype  # an unknown one is refused by check_shape
        assert self.spill is not None
        self.spill.add(
            number, c["person_code"], spec.code, subtype, c["effective_on"], KIND_ORDER.get(spec.code, 5), c.get("end_on"),
            c.get("unit_code", ""), c.get("to_unit_code", ""), c.get("position", ""), c.get("term", ""),
            c.get("year"), c.get("decision_no", ""), c.get("decided_on"), c.get("decided_by", ""), c.get("note", ""),
            c.get("details") or {}, c.get("confirm", ""),
        )

    @staticmethod
    def _event(r: tuple) -> EventRow:
        """An event row read back from the spill (`spill.COLUMNS`; kind_order, r[5], is not kept)."""
        return EventRow(
            r[0], r[1], r[2], r[3], r[4], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13], r[14], r[15],
            r[16] or NO_DETAILS, _confirm_codes(r[17]),
        )

    def _post_row(self, number: int, c: dict) -> None:
        ok = True
        values: dict[str, Any] = {}
        for key, choices in POST_CHOICES.items():
            text = c.get(key, "")
            found = _choice(choices, text)
            if found is None:
                labels = ", ".join(f"“{label}”" for label in choices.values())
                self.problem("posts", number, key, text, MSG_CHOICE.format(value=text, choices=labels))
                ok = False
            values[key] = found
        party = _yes_no(c.get("is_party_committee", ""))
        if party is None:
            self.problem("posts", number, "is_party_committee", c["is_party_committee"], MSG_YES_NO.format(value=c["is_party_committee"]))
            ok = False
        valid_from = c.get("valid_from")
        standard = {k: values[k] for k in STANDARD_LEVELS}
        if valid_from is None and (any(standard.values()) or c.get("valid_to") or c.get("source")):
            self.problem("posts", number, "valid_from", "", MSG_STANDARD_NEEDS_DATE)
            ok = False
        if ok:
            self.posts.append(
                PostRow(number, c["unit_code"], " ".join(c["name"].split()), values["managing_level"], bool(party), valid_from,
                        c.get("valid_to"), standard, c.get("source", ""))
            )

    def _target_row(self, number: int, c: dict) -> None:
        if c["value"] is not None and c["value"] < 0:
            self.problem("targets", number, "value", c["value"], "Chỉ tiêu phải là số không âm")
            return
        self.targets.append(TargetRow(number, c["unit_code"], c["year"], c["metric"], c["value"]))

    # --- stage 1b: references, duplicates, scope ---
    def resolve(self) -> None:
        self.progress("Kiểm tra tham chiếu", 0, None)
        codes = set(self.units) | {u.parent_code for u in self.units.values() if u.parent_code}
        assert self.spill is not None
        codes |= self.spill.codes("unit_code") | self.spill.codes("to_unit_code")
        codes |= {t.unit_code for t in self.targets} | {p.registered_unit_code for p in self.people.values() if p.registered_unit_code}
        codes |= {p.unit_code for p in self.posts}
        self.db_units: dict[str, Unit] = {}
        for chunk in _chunks(sorted(codes)):
            self.db_units.update({u.code: u for u in Unit.objects.filter(code__in=chunk)})
        self.allowed_units: set[int] | None = None
        if self.scope is not None:
            self.allowed_units = set(scoping.units(self.scope).values_list("id", flat=True))
        self._resolve_units()
        self._check_posts()
        self._resolve_people()
        self._check_events()
        self._check_targets()

    def unit_known(self, code: str, *, in_scope: bool = True) -> bool:
        """A code names a unit the file creates, or an existing one (in scope when asked)."""
        if code in self.new_units:
            return True
        unit = self.db_units.get(code)
        if unit is None:
            return False
        return not in_scope or self.allowed_units is None or unit.pk in self.allowed_units

    def _resolve_units(self) -> None:
        self.new_units: dict[str, UnitRow] = {}
        self.refused_units: set[str] = set()
        for row in self.units.values():
            existing = self.db_units.get(row.code)
            if existing is None:
                self.new_units[row.code] = row
            elif self.allowed_units is not None and existing.pk not in self.allowed_units:
                self.problem("units", row.row, "code", row.code, MSG_UNIT_TAKEN.format(value=row.code))
            else:
                self.outcome.unchanged["units"] += 1
        self.unit_depth: dict[str, int] = {}
        for row in list(self.new_units.values()):
            depth, code, seen = 0, row.parent_code, {row.code}
            while code in self.new_units:
                if code in seen:
                    self.problem("units", row.row, "parent_code", row.parent_code, MSG_PARENT_CYCLE)
                    self.refused_units.add(row.code)
                    break
                seen.add(code)
                code = self.new_units[code].parent_code
                depth += 1
            self.unit_depth[row.code] = depth
            if not row.parent_code:
                if self.allowed_units is not None:
                    self.problem("units", row.row, "parent_code", "", MSG_ROOT_NEEDS_ADMIN)
                    self.refused_units.add(row.code)
            elif row.parent_code not in self.new_units and not self.unit_known(row.parent_code):
                self.problem("units", row.row, "parent_code", row.parent_code, MSG_UNKNOWN_UNIT.format(value=row.parent_code))
                self.refused_units.add(row.code)

    def _resolve_people(self) -> None:
        # file code -> id of the existing (later: also the created) person. Ids, not Person
        # instances: a city's 80 000 instances were ~150 MB; the events stage loads them a batch
        # of people at a time
        self.person_of: dict[str, int] = {}
        self.new_people: dict[str, PersonRow] = {}
        assert self.spill is not None
        codes = sorted(set(self.people) | self.spill.codes("person_code"))
        by_code: dict[str, Person] = {}
        for chunk in _chunks(codes):
            by_code.update({p.code: p for p in Person.objects.filter(code__in=chunk)})
        ids = sorted({p.values["national_id"] for p in self.people.values() if p.values["national_id"]})
        by_nid: dict[str, Person] = {}
        for chunk in _chunks(ids):
            by_nid.update({p.national_id: p for p in Person.objects.filter(national_id__in=chunk)})
        visible: set[int] | None = None
        if self.scope is not None:
            candidates = [p.pk for p in (*by_code.values(), *by_nid.values())]
            visible = set()
            for chunk in _chunks(sorted(set(candidates))):
                visible.update(scoping.people(self.scope).filter(pk__in=chunk).values_list("pk", flat=True))
        self.visible_people = visible
        self.db_people: dict[str, int] = {}
        seen_nid: dict[str, int] = {}
        for row in self.people.values():
            nid = row.values["national_id"]
            if nid:
                if nid in seen_nid:
                    self.problem("people", row.row, "national_id", nid, MSG_DUPLICATE_ID.format(row=seen_nid[nid]))
                    continue
                seen_nid[nid] = row.row
            existing = by_code.get(row.code)
            if existing is not None:
                if visible is not None and existing.pk not in visible:
                    self.problem("people", row.row, "code", row.code, MSG_PERSON_TAKEN.format(value=row.code))
                elif self._differs(row, existing):
                    self.problem(
                        "people", row.row, "code", row.code,
                        MSG_PERSON_DIFFERS.format(value=row.code, name=existing.full_name, birth=format_date(existing.birth_date), nid=existing.masked_national_id or "trống"),
                    )
                else:
                    self.person_of[row.code] = existing.pk
                    self.outcome.unchanged["people"] += 1
                continue
            other = by_nid.get(nid) if nid else None
            if other is not None:
                in_scope = visible is None or other.pk in visible
                if in_scope and not self._differs(row, other, ignore_id=True):
                    self.person_of[row.code] = other.pk
                    self.outcome.unchanged["people"] += 1
                    self.problem("people", row.row, "national_id", nid, MSG_SAME_PERSON.format(other=other.code), NOTICE)
                else:
                    self.problem("people", row.row, "national_id", nid, MSG_ID_TAKEN.format(value=nid, other=f"{other.full_name}, mã {other.code}" if in_scope else "ngoài phạm vi của bạn"))
                continue
            if row.registered_unit_code and not self.unit_known(row.registered_unit_code):
                self.problem("people", row.row, "registered_unit_code", row.registered_unit_code, MSG_UNKNOWN_UNIT.format(value=row.registered_unit_code))
                continue
            self.new_people[row.code] = row
        self.db_people = {code: p.pk for code, p in by_code.items()}

    @staticmethod
    def _differs(row: PersonRow, person: Person, *, ignore_id: bool = False) -> bool:
        v = row.values
        if normalize_name(v["full_name"]) != person.full_name or v["birth_date"] != person.birth_date:
            return True
        return not ignore_id and bool(v["national_id"] and person.national_id and v["national_id"] != person.national_id)

    def _check_events(self) -> None:
        """References and scope of every event row, in row order; duplicates as the spill's
        `keys` table found them (the first row of an identity is kept there). Refused rows are
        marked in the spill: the later stages skip them."""
        assert self.spill is not None
        refused: list[int] = []
        for row, person_code, kind, unit_code, to_unit_code, first in self.spill.for_checks():
            ok = True
            if person_code:
                if person_code not in self.people:
                    person = self.db_people.get(person_code)
                    if person is None or (self.visible_people is not None and person not in self.visible_people):
                        self.problem("events", row, "person_code", person_code, MSG_UNKNOWN_PERSON.format(value=person_code))
                        ok = False
                    else:
                        self.person_of.setdefault(person_code, person)
            elif kind == "founding":
                self.problem("events", row, "kind", kind, MSG_FOUNDING_IN_EVENTS)
                ok = False
            elif not unit_code:
                self.problem("events", row, "unit_code", "", MSG_REQUIRED)
                ok = False
            for column, code in (("unit_code", unit_code), ("to_unit_code", to_unit_code)):
                # a transfer or a cadre move may point outside the user's subtree
                if code and not self.unit_known(code, in_scope=column == "unit_code" and not person_code):
                    self.problem("events", row, column, code, MSG_UNKNOWN_UNIT.format(value=code))
                    ok = False
            if ok and self.allowed_units is not None and person_code and not any(
                self.unit_known(code) for code in (unit_code, to_unit_code) if code
            ) and person_code in self.people:
                self.problem("events", row, "unit_code", unit_code, MSG_NOT_IN_SCOPE)
                ok = False
            if first != row:
                self.problem("events", row, "", "", MSG_DUPLICATE_EVENT.format(row=first))
                ok = False
            if not ok:
                refused.append(row)
        self.spill.refuse(refused)

    def _check_posts(self) -> None:
        """Group the rows by post (unit, name); each post's standards in date order."""
        self.post_groups: dict[tuple[str, str], list[PostRow]] = {}
        for p in self.posts:
            if not self.unit_known(p.unit_code):
                self.problem("posts", p.row, "unit_code", p.unit_code, MSG_UNKNOWN_UNIT.format(value=p.unit_code))
                continue
            group = self.post_groups.setdefault(p.key, [])
            first = group[0] if group else None
            if first is not None and (first.managing_level, first.is_party_committee) != (p.managing_level, p.is_party_committee):
                self.problem("posts", p.row, "managing_level", ManagingLevel(p.managing_level).label,
                             MSG_POST_ROW_DIFFERS.format(name=p.name, unit=p.unit_code, row=first.row))
                continue
            twin = next((g for g in group if g.valid_from == p.valid_from), None)
            if twin is not None:
                message = MSG_DUPLICATE_STANDARD.format(row=twin.row) if p.valid_from else MSG_DUPLICATE_ROW.format(row=twin.row)
                self.problem("posts", p.row, "", "", message)
                continue
            group.append(p)
        for group in self.post_groups.values():
            group.sort(key=lambda p: (p.valid_from is not None, p.valid_from or dt.date.min, p.row))
        self.posts = []

    def _check_targets(self) -> None:
        seen: dict[tuple, int] = {}
        self.target_ok: list[TargetRow] = []
        for t in self.targets:
            key = (t.unit_code, t.year, t.metric)
            if not self.unit_known(t.unit_code):
                self.problem("targets", t.row, "unit_code", t.unit_code, MSG_UNKNOWN_UNIT.format(value=t.unit_code))
            elif key in seen:
                self.problem("targets", t.row, "", "", MSG_DUPLICATE_ROW.format(row=seen[key]))
            else:
                seen[key] = t.row
                self.target_ok.append(t)

    # --- stage 2: judge and write, in the caller's transaction ---
    def unit(self, code: str) -> Unit | None:
        return self.db_units.get(code) if code else None

    def write(self) -> None:
        self._write_units()
        self._write_posts()
        self._write_people()
        self._write_events()
        self._write_targets()

    def _attempt(self, call: Callable[[frozenset], Any], confirm: frozenset, on_refused: Callable[[RecordRefused, frozenset], bool]):
        """Run a service call in a savepoint; with "confirm all", retry once confirming the warnings."""
        previous: RecordRefused | None = None
        for _ in range(3):
            try:
                with transaction.atomic():
                    result = call(confirm)
            except RecordRefused as refused:
                warnings = frozenset(f.code for f in refused.findings if f.level == Level.WARNING)
                if self.confirm_all and not refused.errors and not warnings <= confirm:
                    confirm = confirm | warnings
                    previous = refused
                    continue
                on_refused(refused, confirm)
                return None
            if previous is not None:
                on_refused(RecordRefused([f for f in previous.findings if f.level == Level.WARNING]), confirm)
            return result
        return None

    def _write_units(self) -> None:
        assert self.spill is not None
        spill = self.spill
        # the tree's own events (renames, moves, mergers, dissolutions: a few hundred in a city)
        # in memory; the other unit events (congresses, ratings) streamed from the spill
        tree_events = [self._event(r) for r in spill.unit_events(tree=True, kinds=UNIT_TREE_KINDS)]
        existing: set[tuple] = set()
        ids = [u.pk for u in self.db_units.values()]
        for chunk in _chunks(ids):
            existing.update(
                live_events().filter(person__isnull=True, unit_id__in=chunk).values_list("unit_id", "kind", "subtype", "effective_on")
            )
        steps: list[tuple] = [(r.founded_on, 0, self.unit_depth.get(r.code, 0), r.row, r) for r in self.new_units.values()]
        # units dissolved on the same day: the deepest first (a district and its own bodies dissolved
        # together on 01/07/2025 — the bodies go first, or the district still has them)
        steps += [
            (e.effective_on, 1 + _UNIT_DAY_ORDER.get(e.kind, 5), -self.unit_depth.get(e.unit_code, 0) if e.kind == "dissolution" else 0, e.row, e)
            for e in tree_events
        ]
        steps.sort(key=lambda s: s[:4])
        # the other unit events come after the tree's on their day (1 + 5), by row: merged in
        others_stream = (
            (e.effective_on, 6, 0, e.row, e) for e in map(self._event, spill.unit_events(tree=False, kinds=UNIT_TREE_KINDS))
        )
        total = len(steps) + spill.unit_event_count(tree=False, kinds=UNIT_TREE_KINDS)
        failed: set[str] = set()
        # Unit events outside the tree's history (congresses, unit ratings) change no unit version
        # and no rule reads them back, so they are judged after the tree is complete, in batches:
        # the version of a unit on a date does not depend on the tree events after that date.
        # The accepted ones are listed in the spill (`later`), a thousand rows at a time.
        others: list[EventRow] = []
        # consecutive foundings are written together, until a tree event or a unit founded under
        # one of them (its parent must exist to be judged)
        group: list[UnitRow] = []
        in_group: set[str] = set()
        for done, (*_, item) in enumerate(heapq.merge(steps, others_stream, key=lambda s: s[:4]), start=1):
            if isinstance(item, UnitRow):
                if item.parent_code in in_group:
                    self._found(group, failed)
                    group, in_group = [], set()
                group.append(item)
                in_group.add(item.code)
            else:
                self._found(group, failed)
                group, in_group = [], set()
                self._unit_event(item, existing, failed, others)
                if len(others) >= UNIT_EVENTS_BATCH:
                    spill.add_later(e.row for e in others)
                    others = []
            if done % 200 == 0:
                self.progress("Ghi đơn vị", done, total)
        self._found(group, failed)
        spill.add_later(e.row for e in others)
        version = version_picker([u.pk for u in self.db_units.values()])
        sink = EventSink()
        later = map(self._event, spill.later())
        while chunk := list(itertools.islice(later, UNIT_EVENTS_BATCH)):
            self._record_events(None, chunk, {}, version=version, sink=sink)
            if len(sink) >= SINK_ROWS:
                sink.flush()
            del chunk  # one batch of rows alive at a time, not this one and the next
        sink.flush()
        self.progress("Ghi đơn vị", total, total)

    def _found(self, rows: list[UnitRow], failed: set[str]) -> None:
        """Consecutive foundings (none the parent of another) through `unit_found_many`: each
        judged as `unit_found` judges it, the accepted ones written together."""
        todo: list[UnitRow] = []
        for row in rows:
            if row.parent_code in failed or row.code in self.refused_units or (row.parent_code and self.unit(row.parent_code) is None):
                failed.add(row.code)
            else:
                todo.append(row)
        if not todo:
            return
        with transaction.atomic():
            results = unit_found_many(
                by=self.by, source="import",
                rows=[
                    {"code": r.code, "name": r.name, "kind": r.kind, "founded_on": r.founded_on, "parent": self.unit(r.parent_code)}
                    for r in todo
                ],
            )
        for row, result in zip(todo, results, strict=True):
            if isinstance(result, Unit):
                self.db_units[row.code] = result
                self.outcome.created["units"] += 1
                continue
            failed.add(row.code)
            # as `_attempt` reports a call that "confirm all" could not pass: its warnings listed as confirmed
            warnings = frozenset(f.code for f in result.findings if f.level == Level.WARNING)
            confirm = warnings if self.confirm_all and not result.errors else frozenset()
            values = {"code": row.code, "name": row.name, "kind": row.kind, "parent_code": row.parent_code, "founded_on": format_date(row.founded_on)}
            self.findings("units", row.row, result.findings, confirm, _UNIT_FIELDS, values)

    def _unit_event(self, e: EventRow, existing: set[tuple], failed: set[str], others: list[EventRow]) -> None:
        if e.unit_code in failed or e.to_unit_code in failed:
            return
        unit, to_unit = self.unit(e.unit_code), self.unit(e.to_unit_code)
        if unit is None or (e.to_unit_code and to_unit is None):
            # a unit of the file founded after the event's date: refused, as the service would
            # refuse it once the unit exists (this row used to be dropped without a word)
            for column, code, found in (("unit_code", e.unit_code, unit), ("to_unit_code", e.to_unit_code, to_unit)):
                if code and found is None:
                    self.problem("events", e.row, column, code, MSG_NOT_EXISTS.format(code=code, on=format_date(e.effective_on)))
            return
        if (unit.pk, e.kind, e.subtype, e.effective_on) in existing:
            self.outcome.unchanged["events"] += 1
            return
        if e.kind not in UNIT_TREE_KINDS:
            others.append(e)
            return
        decision = {"decision_no": e.decision_no, "decided_on": e.decided_on, "decided_by": e.decided_by}

        def call(confirm: frozenset):
            if e.kind == "rename":
                return unit_rename(by=self.by, unit=unit, name=e.note, on=e.effective_on, kind=str(e.details.get("unit_kind", "")), **decision, source="import", confirm=confirm)
            if e.kind == "reparent":
                return unit_reparent(by=self.by, unit=unit, parent=to_unit, on=e.effective_on, **decision, note=e.note, source="import", confirm=confirm)
            if e.kind == "merger":
                return unit_merge(by=self.by, unit=unit, into=to_unit, on=e.effective_on, **decision, note=e.note, source="import", confirm=confirm)
            return unit_dissolve(by=self.by, unit=unit, on=e.effective_on, **decision, note=e.note, source="import", confirm=confirm)

        def refused(r: RecordRefused, confirm: frozenset) -> bool:
            failed.add(e.unit_code)
            return self.findings("events", e.row, r.findings, confirm, _EVENT_FIELDS, self._event_values(e))

        if self._attempt(call, e.confirm, refused) is not None:
            existing.add((unit.pk, e.kind, e.subtype, e.effective_on))
            self.outcome.created["events"] += 1

    @staticmethod
    def _event_values(e: EventRow) -> dict[str, Any]:
        return {
            "person_code": e.person_code, "kind": e.kind, "subtype": e.subtype, "effective_on": format_date(e.effective_on),
            "end_on": format_date(e.end_on), "unit_code": e.unit_code, "to_unit_code": e.to_unit_code, "position": e.position,
            "term": e.term, "year": e.year or "", "note": e.note,
        }

    def _write_people(self) -> None:
        """New people through `person_create_many`: judged as successive `person_create` calls,
        written in bulk (people, their state rows and audit entries) per chunk."""
        rows = list(self.new_people.values())
        for start in range(0, len(rows), 2000):
            chunk = rows[start : start + 2000]
            results = person_create_many(
                by=self.by, confirm_all=self.confirm_all,
                rows=[
                    {"code": r.code, "registered_unit": self.unit(r.registered_unit_code), "confirm": r.confirm, **r.values}
                    for r in chunk
                ],
            )
            for row, (person, findings) in zip(chunk, results, strict=True):
                values = {**row.values, "code": row.code}
                # a created row's warnings were confirmed (its own column or "confirm all"): listed too
                warnings = [f for f in findings if f.level == Level.WARNING]
                if person is None:
                    self.findings("people", row.row, findings, row.confirm, {}, values)
                    continue
                if warnings:
                    self.findings("people", row.row, warnings, row.confirm, {}, values)
                self.person_of[row.code] = person.pk
                self.outcome.created["people"] += 1
            self.progress("Ghi người", min(start + 2000, len(rows)), len(rows))
        if not rows:
            self.progress("Ghi người", 0, 0)
        # the profiles are written: keep only which codes were new (a city's 80 000 profiles)
        self.new_codes = set(self.new_people)
        self.new_people, self.people = {}, {}

    def _write_events(self) -> None:
        """Each person's events in date order through `event_record_many`, read back from the
        spill one batch of people at a time: the people in the order of their first row, as
        before the spill, so ids, the cap on excellent ratings and planning judge the same way."""
        assert self.spill is not None
        codes = [code for code in self.spill.person_order() if code in self.person_of]
        total = self.spill.set_people(codes)
        self.progress("Ghi sự kiện", 0, total)
        mergers = MergersByDay(load_mergers())
        # every unit's versions, once: the rules ask for many dates, the cap on excellent ratings
        # for the units above the ones the events name too
        version = version_picker(None)
        touched: list[int] = []
        sink = EventSink()
        with judging_in_batch(version):  # the tree is complete, and every rating goes through event_record_many
            self._judge_people(codes, mergers, version, touched, total, sink)
            sink.flush()
        self.progress("Ghi sự kiện", total, total)
        self._refresh(touched, mergers)

    def _judge_people(self, codes: list[str], mergers, version, touched: list[int], total: int, sink: EventSink) -> None:
        assert self.spill is not None
        done = 0
        for start in range(0, len(codes), PEOPLE_BATCH):
            batch = codes[start : start + PEOPLE_BATCH]
            # the stored histories of the people who were already in the database, in one query;
            # the people this import creates have none. The same events are what a re-import
            # finds already there (identity = person, kind, subtype, date, unit).
            stored = [self.person_of[c] for c in batch if c not in self.new_codes]
            people = Person.objects.in_bulk([self.person_of[c] for c in batch])
            histories = load_person_events(stored) if stored else {}
            existing = {(pk, h.kind, h.subtype, h.effective_on, h.unit_id) for pk, events in histories.items() for h in events}
            # grouped as read (tuples), made rows one person at a time
            for code, group in itertools.groupby(self.spill.person_events(start + 1, start + len(batch)), key=lambda r: r[1]):
                done = self._judge_person(
                    code, people[self.person_of[code]], [self._event(r) for r in group], histories, existing, mergers, version,
                    touched, total, done, sink,
                )

    def _judge_person(
        self, code: str, person: Person, rows: list[EventRow], histories: dict, existing: set[tuple], mergers, version,
        touched: list[int], total: int, done: int, sink: EventSink,
    ) -> int:
        """One person's events, in date order (spill.person_events); the rows read so far."""
        todo = []
        for e in rows:
            unit = self.unit(e.unit_code)
            if (person.pk, e.kind, e.subtype, e.effective_on, unit.pk if unit else None) in existing:
                self.outcome.unchanged["events"] += 1
            else:
                todo.append(e)
        if todo:
            new = code in self.new_codes
            history = sorted(histories.get(person.pk, ()), key=EventData.sort_key)
            self._record_events(person, todo, mergers, history=history, version=version, lock=not new, sink=sink)
            touched.append(person.pk)
            if len(sink) >= SINK_ROWS:
                sink.flush()
        if (done + len(rows)) // 20000 > done // 20000:
            self.progress("Ghi sự kiện", done + len(rows), total)
        return done + len(rows)

    def _refresh(self, touched: list[int], mergers) -> None:
        """The projections of the people whose events were written, set-based per chunk."""
        if touched and self.outcome.ok:
            self.progress("Cập nhật dữ liệu dẫn xuất", 0, len(touched))
            step = 5000
            for start in range(0, len(touched), step):
                refresh_people(touched[start : start + step], mergers)
                self.progress("Cập nhật dữ liệu dẫn xuất", min(start + step, len(touched)), len(touched))

    def _record_events(self, person: Person | None, rows: list[EventRow], mergers, **batch: Any) -> None:
        """One person's events (or a batch of unit events, `person=None`) through `event_record_many`."""
        confirms = [e.confirm for e in rows]
        for _ in range(3):
            drafts = [
                {
                    "kind": e.kind, "subtype": e.subtype, "effective_on": e.effective_on, "end_on": e.end_on,
                    "unit": self.unit(e.unit_code), "to_unit": self.unit(e.to_unit_code), "position": e.position,
                    "term": e.term, "year": e.year, "decision_no": e.decision_no, "decided_on": e.decided_on,
                    "decided_by": e.decided_by, "note": e.note, "details": e.details, "confirm": confirms[i],
                }
                for i, e in enumerate(rows)
            ]
            try:
                # its own savepoint: a refused batch writes nothing, and the import goes on
                created = event_record_many(
                    by=self.by, person=person, drafts=drafts, source="import", refresh=False, mergers=mergers, **batch
                )
            except BatchRefused as refused:
                retry = False
                if self.confirm_all and not refused.errors:
                    for i, findings in refused.refusals.items():
                        codes = frozenset(f.code for f in findings if f.level == Level.WARNING)
                        if not codes <= confirms[i]:
                            confirms[i] = confirms[i] | codes
                            retry = True
                if retry:
                    continue
                for i, findings in sorted(refused.refusals.items()):
                    self.findings("events", rows[i].row, findings, confirms[i], _EVENT_FIELDS, self._event_values(rows[i]))
                return
            for e, event in zip(rows, created, strict=True):
                if event.confirmed:
                    self.problem("events", e.row, "", "", "Cảnh báo đã xác nhận: " + ", ".join(event.confirmed), CONFIRMED)
            self.outcome.created["events"] += len(created)
            return

    def _write_posts(self) -> None:
        """Posts through `post_create`, their standards through `post_standard_set` (tochuc.cadres)."""
        if not self.post_groups:
            return
        unit_ids = sorted({u.pk for code, _ in self.post_groups if (u := self.unit(code)) is not None})
        stored: dict[tuple[int, str], Post] = {}
        standards: dict[int, dict[dt.date, PostStandard]] = defaultdict(dict)
        for chunk in _chunks(unit_ids):
            for post in Post.objects.filter(unit_id__in=chunk):
                stored[(post.unit_id, post.name.casefold())] = post
            for standard in PostStandard.objects.filter(post__unit_id__in=chunk):
                standards[standard.post_id][standard.valid_from] = standard
        for (unit_code, _), rows in self.post_groups.items():
            unit = self.unit(unit_code)
            if unit is None:  # its unit row was refused: that error is already listed
                continue
            first = rows[0]
            post = stored.get((unit.pk, first.name.casefold()))
            if post is None:
                post = self._attempt(
                    lambda confirm, first=first, unit=unit: post_create(
                        by=self.by, unit=unit, name=first.name, managing_level=first.managing_level, is_party_committee=first.is_party_committee
                    ),
                    frozenset(),
                    lambda r, confirm, first=first: self.findings("posts", first.row, r.findings, confirm, {}, self._post_values(first)),
                )
                if post is None:
                    continue
                self.outcome.created["posts"] += 1
            elif (post.managing_level, post.is_party_committee) != (first.managing_level, first.is_party_committee):
                self.problem(
                    "posts", first.row, "managing_level", ManagingLevel(first.managing_level).label,
                    MSG_POST_DIFFERS.format(name=post.name, unit=unit_code, level=post.get_managing_level_display(),
                                            party="có" if post.is_party_committee else "không"),
                )
                continue
            else:
                self.outcome.unchanged["posts"] += 1
            for row in rows:
                if row.valid_from is not None:
                    self._write_standard(post, row, standards[post.pk], unit_code)

    def _write_standard(self, post: Post, row: PostRow, stored: dict[dt.date, PostStandard], unit_code: str) -> None:
        assert row.valid_from is not None
        current = stored.get(row.valid_from)
        if current is not None:
            same = all(getattr(current, k) == v for k, v in row.standard.items())
            same = same and (row.valid_to is None or row.valid_to == current.valid_to) and (not row.source or row.source == current.source)
            if same:
                self.outcome.unchanged["standards"] += 1
            else:
                self.problem("posts", row.row, "valid_from", format_date(row.valid_from),
                             MSG_STANDARD_DIFFERS.format(name=post.name, unit=unit_code, since=format_date(row.valid_from)))
            return
        standard = self._attempt(
            lambda confirm: post_standard_set(by=self.by, post=post, valid_from=row.valid_from, valid_to=row.valid_to, source=row.source, **row.standard),
            frozenset(),
            lambda r, confirm: self.findings("posts", row.row, r.findings, confirm, {}, self._post_values(row)),
        )
        if standard is not None:
            stored[row.valid_from] = standard
            self.outcome.created["standards"] += 1

    @staticmethod
    def _post_values(row: PostRow) -> dict[str, Any]:
        return {
            "unit_code": row.unit_code, "name": row.name, "managing_level": ManagingLevel(row.managing_level).label,
            "valid_from": format_date(row.valid_from), "valid_to": format_date(row.valid_to), "source": row.source,
        }

    def _write_targets(self) -> None:
        for t in self.target_ok:
            unit = self.unit(t.unit_code)
            if unit is None:
                continue
            current = Target.objects.filter(unit=unit, year=t.year, metric=t.metric).first()
            if current is not None and current.value == t.value:
                self.outcome.unchanged["targets"] += 1
                continue
            by = self.by if getattr(self.by, "pk", None) else None
            if current is None:
                current = Target.objects.create(unit=unit, year=t.year, metric=t.metric, value=t.value, set_by=by)
                audit(by=self.by, action="target.set", obj=current, changes={"value": t.value, "source": "import"})
            else:
                audit(by=self.by, action="target.set", obj=current, changes={"value": [current.value, t.value], "source": "import"})
                current.value, current.set_by = t.value, by
                current.save(update_fields=["value", "set_by", "set_at"])
            self.outcome.created["targets"] += 1


# Enumerations of the posts sheet: a cell holds the label or the code (the number, for levels).
STANDARD_LEVELS = ("political_theory", "state_management", "professional", "defense_group")
POST_CHOICES: dict[str, dict[Any, str]] = {
    "managing_level": dict(ManagingLevel.choices),
    "political_theory": dict(PoliticalTheory.choices),
    "state_management": dict(StateManagement.choices),
    "professional": dict(Professional.choices),
    "defense_group": dict(DefenseGroup.choices),
}
YES, NO = "Có", "Không"


def _choice(choices: dict[Any, str], text: str) -> Any:
    """The code for a label or code; blank is the lowest level (no requirement); None if unknown."""
    wanted = normalize_name(text).casefold()
    if not wanted:
        return 0 if 0 in choices else None
    for code, label in choices.items():
        if wanted in (str(code), normalize_name(label).casefold()):
            return code
    return None


def _yes_no(text: str) -> bool | None:
    wanted = normalize_name(text).casefold()
    if wanted in ("", "không", "khong", "0", "false", "no"):
        return False
    if wanted in ("có", "co", "x", "1", "true", "yes"):
        return True
    return None


def import_workbook(path: Path | str, **options: Any) -> Outcome:
    return Importer(**options).run(path)



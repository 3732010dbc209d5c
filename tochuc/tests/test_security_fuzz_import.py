"""D3: the import parser never crashes. Whatever the bytes, `import_workbook` answers with its own
outcome (written, or refused with the problems named), never another exception, and a dry run
writes nothing.

Hypothesis drives three mutators of a valid workbook, in the manner of OSS-Fuzz's openpyxl
harness (random bytes handed to `load_workbook`), with fixed seeds (`derandomize`) so that CI is
never flaky: bytes of the stored file changed, bytes of one decompressed XML part changed (reaches
the XML parsers behind a valid zip), and arbitrary cell values (Unicode, formulas, dates as text,
numbers).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tochuc.events.models import Event
from tochuc.imports.importer import Outcome, import_workbook
from tochuc.imports.tests.books import EVENTS_HEADER, PEOPLE_HEADER, book, simple_book
from tochuc.people.models import Person

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PARTS = [
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
]
EDITS = st.lists(st.tuples(st.integers(0, 2**20), st.binary(min_size=0, max_size=8)), min_size=1, max_size=8)


def edit(data: bytes, edits: list[tuple[int, bytes]]) -> bytes:
    """Overwrite (or, past the end, append) a few runs of bytes."""
    out = bytearray(data)
    for at, chunk in edits:
        at = at % (len(out) + 1)
        out[at : at + len(chunk)] = chunk
    return bytes(out)


def seed_book(path) -> bytes:
    """The seed workbook, the same bytes on every run, so that the fixed seeds give the same
    cases everywhere. openpyxl stamps the time in docProps and in the zip entries: the clock is
    frozen for the former, and the entries are stamped again with a fixed time, as openpyxl
    writes the sheets from temporary files whose times come from the file system's clock, which
    time_machine does not freeze (the test failed when two builds fell in different seconds)."""
    with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False):
        built = zipfile.ZipFile(simple_book(path))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book_zip:
        for entry in built.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=(2026, 1, 1, 0, 0, 0))
            book_zip.writestr(fixed, built.read(entry.filename), zipfile.ZIP_DEFLATED)
    return out.getvalue()


@pytest.fixture
def valid(tmp_path) -> bytes:
    return seed_book(tmp_path / "goc.xlsx")


def test_the_seed_workbook_is_the_same_bytes_every_time(tmp_path, valid):
    assert seed_book(tmp_path / "lai.xlsx") == valid


def test_a_damaged_deflate_stream_is_refused_as_a_broken_zip(db, tmp_path, valid):
    """The first case the fuzzing found: zlib's own error escaped the zip checks."""
    with zipfile.ZipFile(io.BytesIO(valid)) as zf:
        info = zf.getinfo("[Content_Types].xml")
    data = bytearray(valid)
    name_length, extra_length = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little"), int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    data[info.header_offset + 30 + name_length + extra_length] = 0x07  # a last block of the reserved type 3
    path = tmp_path / "tep.xlsx"
    path.write_bytes(bytes(data))
    outcome = dry_run(path)
    assert [p.line() for p in outcome.problems if p.level == "error"] == [
        "Lỗi: Tệp: Tệp .xlsx bị hỏng (không đọc được cấu trúc zip)"
    ]


def dry_run(path) -> Outcome:
    before = (Person.objects.count(), Event.objects.count())
    outcome = import_workbook(path, dry_run=True)
    assert isinstance(outcome, Outcome)
    assert not outcome.committed
    assert (Person.objects.count(), Event.objects.count()) == before
    return outcome


@FUZZ
@given(edits=EDITS)
def test_changed_bytes_of_the_file_give_an_outcome_never_a_crash(tree, tmp_path, valid, edits):
    path = tmp_path / "tep.xlsx"
    path.write_bytes(edit(valid, edits))
    dry_run(path)


@FUZZ
@given(part=st.sampled_from(PARTS), edits=EDITS)
def test_changed_bytes_of_an_xml_part_give_an_outcome_never_a_crash(tree, tmp_path, valid, part, edits):
    path = tmp_path / "tep.xlsx"
    with zipfile.ZipFile(io.BytesIO(valid)) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, edit(data, edits) if info.filename == part else data)
    dry_run(path)


# Any text a spreadsheet can hold (openpyxl itself refuses to write other control characters).
WRITABLE = st.characters(blacklist_categories=("Cs",), blacklist_characters=[chr(c) for c in range(32) if c not in (9, 10, 13)])
CELL = st.one_of(
    st.text(WRITABLE, max_size=40),
    st.sampled_from(["=1+1", '=HYPERLINK("http://x","y")', "@SUM(A1)", "31/02/2020", "2020-13-01", "00/00/0000", "CT.NK.01.01"]),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1000, 1, 1)),
    st.none(),
)


@FUZZ
@given(people=st.lists(st.lists(CELL, max_size=8), max_size=4), events=st.lists(st.lists(CELL, max_size=9), max_size=4))
def test_arbitrary_cell_values_give_an_outcome_never_a_crash(tree, tmp_path, people, events):
    path = book(tmp_path / "tep.xlsx", {"Người": [PEOPLE_HEADER, *people], "Sự kiện": [EVENTS_HEADER, *events]})
    dry_run(path)

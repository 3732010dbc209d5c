"""Opening an uploaded workbook safely and streaming its rows.

Everything that can go wrong with the bytes themselves is caught here, before openpyxl parses a
single XML part (SECURITY.md D1–D3): the file must be a real .xlsx (zip with the workbook part, no
macros), its zip central directory is checked against size, entry and ratio limits, and sheets
are read with `read_only=True` and a row cap. Any failure is a `WorkbookRefused` with a message
in Vietnamese, never another exception.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser
from openpyxl.xml import DEFUSEDXML

from tochuc.imports.cells import UNCACHED_FORMULA
from tochuc.imports.schema import SHEETS

# openpyxl only resists entity-expansion bombs when defusedxml is installed (a pinned dependency).
assert DEFUSEDXML, "defusedxml must be installed so that openpyxl parses XML safely"

MB = 1024 * 1024

MSG_NOT_FOUND = "Không tìm thấy tệp {name}"
MSG_LEGACY_XLS = "Tệp là sổ Excel cũ (.xls) hoặc tệp Office được mã hóa: hãy mở bằng Excel và lưu lại dạng .xlsx"
MSG_PDF = "Tệp là tài liệu PDF, không phải sổ Excel (.xlsx)"
MSG_NOT_XLSX = "Tệp không phải sổ Excel (.xlsx) hay thư mục CSV"
MSG_BAD_ZIP = "Tệp .xlsx bị hỏng (không đọc được cấu trúc zip)"
MSG_NO_WORKBOOK = "Tệp zip không phải sổ Excel: thiếu phần [Content_Types].xml hoặc xl/workbook.xml"
MSG_MACRO = "Sổ Excel có macro (.xlsm) không được nhận: hãy lưu lại dạng .xlsx không macro"
MSG_TOO_MANY_ENTRIES = "Tệp có {count} thành phần, vượt giới hạn {limit}"
MSG_TOO_BIG = "Dữ liệu giải nén {size} MB vượt giới hạn {limit} MB: hãy chia tệp nhỏ hơn"
MSG_RATIO = "Thành phần {name} nén bất thường (tỉ lệ {ratio}:1, giới hạn {limit}:1): tệp có thể là bom nén"
MSG_CORRUPT = "Không đọc được sổ Excel: tệp hỏng hoặc có nội dung không an toàn ({reason})"
MSG_TOO_MANY_ROWS = "Trang “{sheet}” có {rows} dòng, vượt giới hạn {limit} dòng: hãy chia tệp"
MSG_ENCODING_UTF16 = "Tệp {name} mã hóa UTF-16: hãy lưu lại dạng CSV UTF-8"
MSG_ENCODING = "Tệp {name} không phải mã UTF-8 (có thể là Windows-1258 hoặc Latin-1), dòng {row}: hãy lưu lại dạng “CSV UTF-8”"
MSG_CSV_BROKEN = "Tệp {name} không đọc được dạng CSV, dòng {row}: {reason}"
MSG_NO_CSV = "Thư mục không có tệp units.csv, posts.csv, people.csv, events.csv hoặc targets.csv"
MSG_MERGED = "Ô gộp {ref}: hãy bỏ gộp ô và điền giá trị vào từng dòng"


@dataclass(frozen=True)
class Limits:
    """Parameters of SECURITY.md D2. Entries smaller than `ratio_floor` are not ratio-checked:
    a few kilobytes cannot make a bomb, and small repetitive parts (styles) compress well."""

    max_uncompressed: int = 50 * MB
    max_entries: int = 1000
    max_ratio: int = 100
    ratio_floor: int = 256 * 1024
    max_rows: int = 1_000_000
    max_columns: int = 60


# Web uploads keep the SECURITY.md limits. The command line serves an administrator importing a
# whole city (≈660 000 event rows ≈ 300 MB of sheet XML), so its size limit is larger; the ratio
# and entry limits, which are what stop a bomb, stay the same.
WEB_LIMITS = Limits()
CLI_LIMITS = Limits(max_uncompressed=1024 * MB)


class WorkbookRefused(Exception):
    """The file as a whole cannot be read; `problems` says why (sheet, row, message)."""

    def __init__(self, message: str, *, sheet: str = "", row: int | None = None):
        self.message, self.sheet, self.row = message, sheet, row
        super().__init__(message)


def check_xlsx(path: Path, limits: Limits) -> None:
    """Refuse anything that is not a plain .xlsx within the limits, before any XML is parsed."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        raise WorkbookRefused(MSG_NOT_FOUND.format(name=path.name)) from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WorkbookRefused(MSG_LEGACY_XLS)
    if head.startswith(b"%PDF"):
        raise WorkbookRefused(MSG_PDF)
    if not head.startswith(b"PK\x03\x04"):
        raise WorkbookRefused(MSG_NOT_XLSX)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > limits.max_entries:
                raise WorkbookRefused(MSG_TOO_MANY_ENTRIES.format(count=len(infos), limit=limits.max_entries))
            total = sum(i.file_size for i in infos)
            if total > limits.max_uncompressed:
                raise WorkbookRefused(MSG_TOO_BIG.format(size=total // MB, limit=limits.max_uncompressed // MB))
            for info in infos:
                if info.file_size >= limits.ratio_floor:
                    ratio = info.file_size / max(info.compress_size, 1)
                    if ratio > limits.max_ratio:
                        raise WorkbookRefused(MSG_RATIO.format(name=info.filename, ratio=int(ratio), limit=limits.max_ratio))
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise WorkbookRefused(MSG_NO_WORKBOOK)
            content_types = zf.read("[Content_Types].xml")
            if any(n.lower().endswith("vbaproject.bin") for n in names) or b"macroEnabled" in content_types:
                raise WorkbookRefused(MSG_MACRO)
    # zlib.error: a damaged deflate stream (found by tochuc/tests/test_security_fuzz_import.py)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError, OSError, zlib.error):
        raise WorkbookRefused(MSG_BAD_ZIP) from None


class _CachedValueParser(WorkSheetParser):
    """openpyxl's sheet parser, reading cached values (formulas are never evaluated), that marks a
    formula cell WITHOUT a cached value instead of reading it as empty: a workbook written by a
    tool that does not compute formulas would otherwise lose those values silently."""

    def parse_cell(self, element):
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCACHED_FORMULA
        return cell


@dataclass
class SheetSource:
    """One sheet (or CSV file) of the upload: its name and a way to stream its rows."""

    name: str
    rows: Any  # callable -> Iterator[tuple[int, tuple]]
    merged: Any = None  # callable -> list[str] of merged ranges


class WorkbookSource:
    """An opened workbook or CSV folder. Use as a context manager; rows are streamed."""

    def __init__(self, path: Path, limits: Limits = WEB_LIMITS):
        self.path, self.limits = Path(path), limits
        self._wb = None
        self._fh = None
        self.sheets: list[SheetSource] = []

    def __enter__(self) -> WorkbookSource:
        if self.path.is_dir():
            self._open_csv_folder()
        else:
            self._open_xlsx()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._wb is not None:
            self._wb.close()
        if self._fh is not None:
            self._fh.close()

    # --- xlsx ---
    def _open_xlsx(self) -> None:
        check_xlsx(self.path, self.limits)
        try:
            # from an open file: openpyxl would otherwise judge the file by its name's extension,
            # and uploads are stored under random names (the checks above looked at the content)
            self._fh = open(self.path, "rb")  # noqa: SIM115 - closed in __exit__
            self._wb = openpyxl.load_workbook(self._fh, read_only=True, data_only=True, keep_links=False)
            worksheets = list(self._wb.worksheets)
        except WorkbookRefused:
            raise
        except Exception as exc:  # openpyxl/defusedxml raise many types on hostile input
            raise WorkbookRefused(MSG_CORRUPT.format(reason=type(exc).__name__)) from None
        for ws in worksheets:
            self.sheets.append(SheetSource(ws.title, self._xlsx_rows(ws), self._xlsx_merged(ws)))

    def _xlsx_rows(self, ws):
        limits = self.limits

        def rows() -> Iterator[tuple[int, tuple]]:
            try:
                declared = ws.max_row  # from <dimension>, read without parsing the rows
                if declared is not None and declared > limits.max_rows:
                    raise WorkbookRefused(MSG_TOO_MANY_ROWS.format(sheet=ws.title, rows=declared, limit=limits.max_rows), sheet=ws.title)
                # A dimension may also be too small; openpyxl would then stop early and drop rows.
                yield from _parse_rows(ws, limits)
            except WorkbookRefused:
                raise
            except Exception as exc:
                raise WorkbookRefused(MSG_CORRUPT.format(reason=type(exc).__name__), sheet=ws.title) from None

        return rows

    def _xlsx_merged(self, ws):
        archive_path = getattr(ws, "_worksheet_path", None)

        def merged() -> list[str]:
            # read_only worksheets do not expose merged ranges: scan the part's XML text for them,
            # in chunks so memory stays bounded.
            if not archive_path:
                return []
            found: list[str] = []
            pattern = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
            tail = b""
            try:
                with zipfile.ZipFile(self.path) as zf, zf.open(archive_path) as part:
                    while chunk := part.read(1 << 20):
                        data = tail + chunk
                        found.extend(m.decode() for m in pattern.findall(data))
                        tail = data[-200:]
                        # a match inside the overlap is found twice
                        found = list(dict.fromkeys(found))
            except (KeyError, zipfile.BadZipFile, OSError, EOFError, zlib.error):
                return []
            return found

        return merged

    # --- csv folder ---
    def _open_csv_folder(self) -> None:
        for sheet in SHEETS:
            for candidate in (f"{sheet.key}.csv", f"{sheet.label}.csv"):
                file = self.path / candidate
                if file.is_file():
                    self.sheets.append(SheetSource(sheet.key, self._csv_rows(file)))
                    break
        if not self.sheets:
            raise WorkbookRefused(MSG_NO_CSV)

    def _csv_rows(self, file: Path):
        limits = self.limits

        def rows() -> Iterator[tuple[int, tuple]]:
            with open(file, "rb") as raw:
                head = raw.read(4)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in head:
                raise WorkbookRefused(MSG_ENCODING_UTF16.format(name=file.name), sheet=file.stem)
            def lines() -> Iterator[str]:
                # decoded line by line so a bad byte is reported on its own line number
                with open(file, "rb") as fh:
                    for line_no, raw in enumerate(fh, start=1):
                        if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
                            raw = raw[len(codecs.BOM_UTF8) :]
                        try:
                            yield raw.decode("utf-8")
                        except UnicodeDecodeError:
                            raise WorkbookRefused(MSG_ENCODING.format(name=file.name, row=line_no), sheet=file.stem) from None

            number = 0
            try:
                for number, values in enumerate(csv.reader(lines()), start=1):
                    if number > limits.max_rows:
                        raise WorkbookRefused(
                            MSG_TOO_MANY_ROWS.format(sheet=file.stem, rows=f"hơn {limits.max_rows}", limit=limits.max_rows),
                            sheet=file.stem,
                        )
                    yield number, tuple(values[: limits.max_columns])
            except csv.Error as exc:
                raise WorkbookRefused(MSG_CSV_BROKEN.format(name=file.name, row=number + 1, reason=exc), sheet=file.stem) from None

        return rows


def _parse_rows(ws, limits: Limits) -> Iterator[tuple[int, tuple]]:
    """The rows of a read-only worksheet as (row number, values), numbered as in the file (rows
    missing from the XML are blank and skipped anyway). The sheet's declared dimension is not
    trusted: it may be too small and would drop rows."""
    wb = ws.parent
    width = limits.max_columns
    with ws._get_source() as src:
        parser = _CachedValueParser(
            src, ws._shared_strings, data_only=True, epoch=wb.epoch,
            date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats,
        )
        for number, cells in parser.parse():
            if number > limits.max_rows:
                raise WorkbookRefused(MSG_TOO_MANY_ROWS.format(sheet=ws.title, rows=f"hơn {limits.max_rows}", limit=limits.max_rows), sheet=ws.title)
            if not cells:
                continue
            last = min(max(c["column"] for c in cells), width)
            values: list[Any] = [None] * last
            for cell in cells:
                column = cell["column"]
                if column <= width:
                    values[column - 1] = cell["value"]
            yield number, tuple(values)


def is_blank(values: tuple) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None

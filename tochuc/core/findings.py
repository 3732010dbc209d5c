"""Findings: what a check says about a proposed write. Errors block, warnings ask for confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


LEVEL_LABELS = {Level.ERROR: "Lỗi", Level.WARNING: "Cảnh báo", Level.INFO: "Thông tin"}


@dataclass(frozen=True)
class Finding:
    code: str  # stable, e.g. "admission.age" or "shape.unit"
    level: Level
    message: str  # Vietnamese, names the field and value
    field: str = ""
    source: str = ""  # regulation, e.g. "Quy định 29-QĐ/TW, điểm 1.1"

    def __str__(self) -> str:
        return self.message + (f" ({self.source})" if self.source and self.source not in self.message else "")


class RecordRefused(Exception):
    """Raised by a service when errors, or unconfirmed warnings, prevent a write. Nothing is written."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("; ".join(str(f) for f in findings))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == Level.ERROR]

    @property
    def unconfirmed_warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == Level.WARNING]


def refuse(code: str, message: str, field: str = "") -> RecordRefused:
    return RecordRefused([Finding(code, Level.ERROR, message, field)])

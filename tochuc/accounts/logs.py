"""JSON log lines that cannot be forged and do not leak (SECURITY.md E5).

Control characters (CR, LF…) are escaped so a user-typed value cannot start a fake log line
(ASVS 16.4.1); 12-digit numbers (CCCD) are masked; timestamps are UTC (ASVS 16.2.2).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re

NATIONAL_ID = re.compile(r"(?<!\d)(\d)\d{10}(\d)(?!\d)")
SECRET_KEYS = re.compile(r"(password|passwd|mat_?khau|otp_token|token|sessionid|csrftoken|secret)", re.I)


def scrub(text: str) -> str:
    return NATIONAL_ID.sub(lambda m: m.group(1) + "*" * 10 + m.group(2), text)


def scrub_value(key: str, value):
    if SECRET_KEYS.search(key):
        return "********"
    if isinstance(value, str):
        return scrub(value)
    return value


class JsonFormatter(logging.Formatter):
    # Attributes every LogRecord has; anything else was passed in `extra=` and is logged as a field.
    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_") and key != "request":
                entry[key] = scrub_value(key, value if isinstance(value, str | int | float | bool | None) else str(value))
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        # json.dumps escapes every control character (\n, \r, \x1b…) inside strings.
        return json.dumps(entry, ensure_ascii=False, default=str)

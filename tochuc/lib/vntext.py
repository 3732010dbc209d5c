"""Vietnamese text helpers: Unicode normalisation and diacritic folding for search."""

from __future__ import annotations

import functools
import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalize_name(value: str) -> str:
    """NFC-normalise a name once, collapse inner white space (C1: names are stored NFC)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


@functools.lru_cache(maxsize=1 << 16)  # names and post titles repeat: reports fold thousands
def fold(value: str) -> str:
    """Lower-case, diacritic-free form: "Trần Quốc Trung" -> "tran quoc trung".

    "đ" has no combining decomposition, so it is mapped by hand.
    """
    text = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text.lower()).strip()

from __future__ import annotations

from decimal import Decimal

from tochuc.lib.numbers import format_decimal, format_int, format_percent
from tochuc.lib.vntext import fold, normalize_name


def test_fold_removes_diacritics_and_maps_d_stroke():
    assert fold("Trần Quốc Trung") == "tran quoc trung"
    assert fold("ĐỖ THỊ  Ánh  Nguyệt") == "do thi anh nguyet"


def test_names_are_stored_nfc_with_single_spaces():
    decomposed = "Tra\u0302\u0300n  Quo\u0302\u0301c"
    assert normalize_name(decomposed) == "Trần Quốc"


def test_vietnamese_number_formatting():
    assert format_int(3105) == "3.105"
    assert format_int(5600000) == "5.600.000"
    assert format_int(-1234) == "-1.234"
    assert format_percent(Decimal("8.245")) == "8,25%"
    assert format_percent(Decimal("-4.8")) == "-4,80%"
    assert format_decimal(1234.5, 1) == "1.234,5"

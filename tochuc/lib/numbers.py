"""Vietnamese number formatting: `3.105`, `8,25%`."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_int(value: int) -> str:
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def format_decimal(value: Decimal | float, places: int = 2) -> str:
    quantum = Decimal(1).scaleb(-places)
    q = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    text = format_int(int(whole))
    return sign + (text + "," + frac if frac else text)


def format_percent(value: Decimal | float, places: int = 2) -> str:
    return format_decimal(value, places) + "%"

"""Whole numbers typed by people or sent in files, URLs and forms, read the one safe way.

`str.isdigit()` is true for "²" and for other scripts' digits, and `int()` accepts those digits (but
not "²", which it refuses with a ValueError: a 500 when a view trusted `isdigit()`). A number STROM
reads is ASCII digits only, and short enough for a database integer.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: str) -> int | None:
    """The number `text` writes in ASCII digits (at most 18), or None."""
    return int(text) if _DIGITS.fullmatch(text) else None

"""Case references: short, readable, non-sequential (LV-RIX-7K3F9), never database ids.

Crockford's base32 alphabet leaves out I, L, O and U, so a reference read over the phone is not
mistaken for another. Five random characters give 33 million references per municipality.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 5
REF_PATTERN = re.compile(r"^[A-Z]{2}-[A-Z0-9]{2,5}-[0-9A-HJKMNP-TV-Z]{5}$")


def new_ref(country: str, municipality_code: str) -> str:
    suffix = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{country}-{municipality_code}-{suffix}"


def normalise_ref(value: str) -> str:
    """What a person types: lower case, spaces, and the letters Crockford maps (O→0, I/L→1)."""
    value = value.strip().upper().replace(" ", "")
    parts = value.split("-")
    if len(parts) == 3:
        parts[2] = parts[2].replace("O", "0").replace("I", "1").replace("L", "1")
    return "-".join(parts)


def looks_like_ref(value: str) -> bool:
    return bool(REF_PATTERN.match(normalise_ref(value)))

"""Field encryption (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

A stored value looks like `v1$<key id>$<base64(nonce || ciphertext+tag)>`. The key id lets old and
new keys live side by side during rotation. Associated data binds each ciphertext to its column
(`context`), so a value copied from one column into another no longer decrypts.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import unicodedata

from anyascii import anyascii
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from strom.crypto.keys import KeyRing, key_ring, reload_key_ring

PREFIX = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted: unknown key id, wrong column or tampered data."""


# One cipher object per key, by the key itself: setting up AES-GCM for every value showed in profiles of
# list pages, and a key removed from the ring can only be looked up through the ring.
_CIPHERS: dict[bytes, AESGCM] = {}


def _cipher(key: bytes) -> AESGCM:
    cipher = _CIPHERS.get(key)
    if cipher is None:
        cipher = _CIPHERS[key] = AESGCM(key)
    return cipher


def is_encrypted(value: str) -> bool:
    return value.startswith(PREFIX + "$") and value.count("$") == 2


def key_id_of(token: str) -> str:
    return token.split("$", 2)[1]


def encrypt(plaintext: str, *, context: str, ring: KeyRing | None = None) -> str:
    ring = ring or key_ring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = _cipher(ring.keys[ring.current]).encrypt(
        nonce, plaintext.encode("utf-8"), context.encode("utf-8")
    )
    return f"{PREFIX}${ring.current}${base64.b64encode(nonce + ciphertext).decode('ascii')}"


def decrypt(token: str, *, context: str, ring: KeyRing | None = None) -> str:
    if not is_encrypted(token):
        raise DecryptionError("value is not in the encrypted format")
    _, kid, payload = token.split("$", 2)
    key = (ring or key_ring()).keys.get(kid)
    if key is None and ring is None:
        # Another process rotated the keys since we last looked: read the ring once more, then give up.
        key = reload_key_ring().keys.get(kid)
    if key is None:
        raise DecryptionError(f"unknown key id {kid!r}")
    try:
        raw = base64.b64decode(payload, validate=True)
        plaintext = _cipher(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context.encode("utf-8"))
    except (InvalidTag, ValueError) as exc:
        raise DecryptionError("value does not decrypt with its key") from exc
    return plaintext.decode("utf-8")


# --- normalisation for exact-match lookups -------------------------------------------------------

# Spellings of the same sound across Cyrillic transliteration schemes and Baltic, Polish, German and
# Nordic orthographies, folded to one skeleton. Longest patterns first. Juliя / Yulia / Julija /
# Iuliia / Jūlija all become "iulia"; Ivanova / Iwanowa become "ivanova"; Ševčenko / Shevchenko /
# Szewczenko / Schewtschenko become "sevcenko". Collisions between different names are acceptable:
# the index finds candidates, a person confirms.
_FOLDS: tuple[tuple[str, str], ...] = (
    ("tsch", "c"),
    ("szcz", "sc"),
    ("shch", "sc"),
    ("sch", "s"),
    ("tch", "c"),
    ("cz", "c"),
    ("sz", "s"),
    ("sh", "s"),
    ("ch", "c"),
    ("zh", "z"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    # German and Danish transcriptions of umlauts: Mueller == Müller, Haerkoenen == Härkönen.
    ("ae", "a"),
    ("oe", "o"),
    ("ue", "u"),
    ("w", "v"),
    ("x", "ks"),
    ("q", "k"),
    ("y", "i"),
    ("j", "i"),
)
_NON_LETTERS = re.compile(r"[^a-z ]+")
# Apostrophes and the soft/hard signs (which anyascii writes as ' and ") belong inside a word:
# Наталья == Natalja == Natalia, O'Neill == ONeill.
_INSIDE_WORD = re.compile(r"['`\"\u2018\u2019\u02b9\u02ba]")
_REPEATS = re.compile(r"([a-z])\1+")
_SPACES = re.compile(r"\s+")


def _ascii_lower(value: str) -> str:
    value = unicodedata.normalize("NFKC", value)
    return anyascii(value).lower()


def _fold_word(word: str) -> str:
    for pattern, replacement in _FOLDS:
        word = word.replace(pattern, replacement)
    word = _REPEATS.sub(r"\1", word)
    # Cyrillic e is written je, ye, ie or e: Jelena == Yelena == Elena, Dmitrijev == Dmitriev.
    word = word.replace("ie", "e")
    # Latvian adds -s to masculine names: Jurijs == Yuri, Aleksejs == Alexey, Ivanovs == Ivanov.
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    return word


def normalise_name(value: str) -> str:
    """Fold a personal name to a script- and transliteration-independent skeleton."""
    text = _INSIDE_WORD.sub("", _ascii_lower(value))
    text = _NON_LETTERS.sub(" ", text.replace("-", " "))
    return " ".join(_fold_word(word) for word in text.split())


def normalise_document_number(value: str) -> str:
    """Document numbers: letters and digits only, upper case, any script folded to Latin."""
    return re.sub(r"[^A-Z0-9]", "", _ascii_lower(value).upper())


def normalise_exact(value: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value).strip().casefold())


NORMALISERS = {
    "name": normalise_name,
    "document": normalise_document_number,
    "exact": normalise_exact,
}


def blind_index(value: str, *, kind: str, ring: KeyRing | None = None) -> str:
    """Keyed hash of the normalised value; equal for equal normalised values, useless without the key."""
    ring = ring or key_ring()
    normalised = NORMALISERS[kind](value)
    if not normalised:
        return ""
    digest = hmac.new(ring.blind_index_key, f"{kind}:{normalised}".encode(), hashlib.sha256)
    return digest.hexdigest()


def name_token_indexes(value: str, *, ring: KeyRing | None = None) -> list[str]:
    """One index per word of a name, so a search for the surname alone finds the full name."""
    ring = ring or key_ring()
    return sorted(
        {
            hmac.new(ring.blind_index_key, f"name:{token}".encode(), hashlib.sha256).hexdigest()
            for token in normalise_name(value).split()
        }
    )


def name_index(value: str, *, ring: KeyRing | None = None) -> str:
    """Index of the whole name with word order ignored (Ivanova Julija == Julija Ivanova)."""
    ring = ring or key_ring()
    words = sorted(normalise_name(value).split())
    if not words:
        return ""
    return hmac.new(ring.blind_index_key, ("name:" + " ".join(words)).encode(), hashlib.sha256).hexdigest()

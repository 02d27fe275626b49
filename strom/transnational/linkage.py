""" "Does the partner already hold this person?": a privacy-preserving check between two instances.

Only keyed encodings travel, never a name: a Bloom filter of the bigrams of the person's names,
folded to a script- and transliteration-independent skeleton (strom.crypto.service.normalise_name:
Юлия Иванова == Julija Ivanova == Yulia Ivanova) with the words sorted (order ignored), each bigram
set at K positions chosen by HMAC-SHA256 under a key only the two instances know, then balanced
(the filter and its complement, permuted under the key: every encoding has the same number of bits
set, so its weight does not tell the length of the names); and the birth year, if known, as an HMAC
under the same key. The key is agreed, not exchanged: both instances derive it
with ECDH from their own encryption key and the partner's public one (HKDF-SHA256), so it changes
when either side rotates its keys. The partner compares with every person it holds and answers yes
or no — never a score, never which record. docs/transnational.md lists the parameters and the known
attacks on such encodings.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from strom.crypto.service import normalise_name
from strom.transnational.keys import InstanceKeys, current_kid, instance_keys, public_key
from strom.transnational.models import Partner

BLOOM_BITS = 1024
HASHES = 20
# What travels is the filter balanced (Schnell 2016): the filter followed by its complement, the
# 2048 bits then permuted under the key. Every encoding has exactly 1024 bits set, whatever the names,
# so the number of bits no longer tells how many bigrams (how long a name) went in.
BALANCED_BITS = 2 * BLOOM_BITS
# Dice similarity of two filters at or above which two spellings count as the same name.
THRESHOLD = 0.8
KEY_INFO = b"strom-trm-person-check-v1"


def shared_key(partner: Partner, keys: InstanceKeys | None = None) -> bytes:
    """The key this instance and `partner` both derive: ECDH of each side's encryption key with the
    other's public one, then HKDF over the two key ids (sorted, so both sides use the same salt).
    `keys`: another key set, for tests that play the partner."""
    ours = (keys or instance_keys()).encryption
    theirs_kid = current_kid(partner.jwks, "enc")
    theirs = public_key(partner.jwks, theirs_kid, "enc")
    if theirs is None:
        raise ValueError("the partner has no usable encryption key")
    private = ours.current_key.private_key
    peer = theirs.public_key
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    assert isinstance(peer, ec.EllipticCurvePublicKey)
    secret = private.exchange(ec.ECDH(), peer)
    salt = "|".join(sorted([ours.current, theirs_kid])).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=KEY_INFO).derive(secret)


def _bigrams(name: str) -> set[str]:
    words = sorted(normalise_name(name).split())
    text = f"_{'_'.join(words)}_" if words else ""
    return {text[i : i + 2] for i in range(len(text) - 1)}


def bloom(names: Iterable[str], key: bytes) -> int:
    """The names' bigrams in one filter, as an integer of BLOOM_BITS bits."""
    bits = 0
    for name in names:
        for gram in _bigrams(name):
            for i in range(HASHES):
                digest = hmac.new(key, f"{i}:{gram}".encode(), hashlib.sha256).digest()
                bits |= 1 << (int.from_bytes(digest[:4], "big") % BLOOM_BITS)
    return bits


@functools.lru_cache(maxsize=8)
def _permutation(key: bytes) -> tuple[int, ...]:
    """A keyed shuffle of the balanced filter's positions (Fisher-Yates, HMAC as the random source)."""
    order = list(range(BALANCED_BITS))
    for i in range(BALANCED_BITS - 1, 0, -1):
        digest = hmac.new(key, f"permute:{i}".encode(), hashlib.sha256).digest()
        j = int.from_bytes(digest[:8], "big") % (i + 1)
        order[i], order[j] = order[j], order[i]
    return tuple(order)


def balance(bits: int, key: bytes) -> int:
    """The filter and its complement, permuted under the key: always BLOOM_BITS bits of BALANCED_BITS."""
    doubled = bits | ((~bits & ((1 << BLOOM_BITS) - 1)) << BLOOM_BITS)
    out = 0
    for source, target in enumerate(_permutation(key)):
        if doubled >> source & 1:
            out |= 1 << target
    return out


@functools.lru_cache(maxsize=8)
def unbalance(balanced: int, key: bytes) -> int:
    """The filter back from its balanced form, for the partner holding the same key. ValueError when it
    is not a balanced filter under this key (the second half is not the complement of the first)."""
    doubled = 0
    for source, target in enumerate(_permutation(key)):
        if balanced >> target & 1:
            doubled |= 1 << source
    mask = (1 << BLOOM_BITS) - 1
    bits = doubled & mask
    if doubled >> BLOOM_BITS != ~bits & mask:
        raise ValueError("not a balanced filter under this key")
    return bits


def year_token(year: int | None, key: bytes) -> str:
    if year is None:
        return ""
    return hmac.new(key, f"year:{year}".encode(), hashlib.sha256).hexdigest()


def dice(a: int, b: int) -> float:
    total = a.bit_count() + b.bit_count()
    return 2 * (a & b).bit_count() / total if total else 0.0


@dataclass(frozen=True)
class Encoding:
    bloom: int  # balanced: BALANCED_BITS bits, half of them set
    years: frozenset[str]  # the year and its neighbours: a birth year is often a year off

    def to_json(self) -> dict[str, object]:
        raw = self.bloom.to_bytes(BALANCED_BITS // 8, "big")
        return {"bloom": base64.b64encode(raw).decode(), "years": sorted(self.years)}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Encoding:
        raw = base64.b64decode(str(data.get("bloom", "")), validate=True)
        if len(raw) != BALANCED_BITS // 8:
            raise ValueError("a filter of the wrong size")
        years = data.get("years", [])
        if not isinstance(years, list) or len(years) > 3:
            raise ValueError("at most three year tokens")
        return cls(int.from_bytes(raw, "big"), frozenset(str(y) for y in years))


def encode(names: list[str], birth_year: int | None, key: bytes) -> Encoding:
    years = (
        frozenset(year_token(y, key) for y in (birth_year - 1, birth_year, birth_year + 1))
        if birth_year is not None
        else frozenset()
    )
    return Encoding(balance(bloom(names, key), key), years)


def matches(query: Encoding, names: list[str], birth_year: int | None, key: bytes) -> bool:
    """Same person, as far as the encodings tell: similar names and, when both know it, a near year."""
    if query.years and birth_year is not None and year_token(birth_year, key) not in query.years:
        return False
    return dice(unbalance(query.bloom, key), bloom(names, key)) >= THRESHOLD

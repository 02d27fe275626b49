"""The cell key method: consistent, bounded noise on every count of STROM's own cases.

A threshold protects each table on its own, but in a table builder anyone can ask for two tables
that differ by a few people (`by=gender` and `by=gender&where=year=2026`) and subtract them. Statistical
offices answer this with the cell key method (ABS TableBuilder; the Destatis and Eurostat census
tools with their ptable and cellKey packages), and so does STROM:

- Every fact of STROM's own cases carries a *record key*, a whole number in [0, 2^31) that stands
  for a uniform random number in [0, 1): a MAC (keyed BLAKE2b) of the case's internal id under
  STROM_STATS_RECORD_KEY, a secret outside the database. It is the same at every refresh, and
  nobody who can only see tables can compute it.
- A cell's *cell key* is the sum of its records' keys modulo 1 (modulo 2^31 here).
- The *perturbation table* (ptable) gives, for each original count i, the probability of each
  noise v with |v| <= D. A cell key picks the noise from the row of its count: the row is cut into
  intervals of [0, 1), one per noise, as long as its probability.

So the same set of records gets the same noise in every table, cell and margin: asking again, or
asking a table and its margin separately, gives nothing new, and a difference of two tables is the
true difference plus two noises the asker cannot know.

The ptable is made from documented parameters as in the ptable method (Giessing 2016; the R package
ptable): maximum noise D, noise variance V and, optionally, js: no perturbed count is from 1 to js.
Each row has the distribution of maximum entropy with mean 0 and variance V on the noises it
allows (a count never becomes negative, and 0 stays 0). A small count whose noises cannot reach
-D may be unable to have variance V: its row gets the variance nearest to V it can have.
D = 0 means no noise (exact tables).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

RECORD_KEY_BITS = 31
# Record keys and cell keys are whole numbers below this; key k stands for k / RECORD_KEY_RANGE.
RECORD_KEY_RANGE = 1 << RECORD_KEY_BITS
METHOD = "cell key method"
NONE = "none"
# Rows whose support cannot hold the variance V stay this share of their range inside it: at the
# edge the distribution of maximum entropy degenerates to two noises.
EDGE_MARGIN = 0.05


def _mac(secret: str | None) -> Any:
    # Keyed BLAKE2b is a MAC (RFC 7693), as strong as HMAC-SHA256 here and twice as fast, which
    # counts at a million cases per refresh. Its key is at most 64 bytes: the secret's SHA-256.
    text = secret if secret is not None else settings.STROM_STATS_RECORD_KEY
    key = hashlib.sha256(text.encode("utf-8")).digest()
    return hashlib.blake2b(key=key, digest_size=8, person=b"strom-record-key")


def record_key(case_id: int, secret: str | None = None) -> int:
    """The record key of a case's fact: a MAC of its internal id under the secret, 31 bits."""
    return record_keys([case_id], secret)[0]


def record_keys(case_ids: list[int], secret: str | None = None) -> list[int]:
    """`record_key` of many cases at once (one MAC set-up, copied for each)."""
    base = _mac(secret)
    shift = 64 - RECORD_KEY_BITS
    result = []
    for case_id in case_ids:
        mac = base.copy()
        mac.update(b"%d" % case_id)
        result.append(int.from_bytes(mac.digest(), "big") >> shift)
    return result


@dataclass(frozen=True)
class Row:
    """The noise of cells whose original count is `count` (the last row: `count` and every count above)."""

    count: int
    noises: tuple[int, ...]
    probabilities: tuple[float, ...]
    # Cumulative upper bounds in key units: noise k for cell keys below bounds[k] (and not below bounds[k-1]).
    bounds: tuple[int, ...]

    def noise(self, cell_key: int) -> int:
        for noise, bound in zip(self.noises, self.bounds, strict=True):
            if cell_key < bound:
                return noise
        return self.noises[-1]

    @property
    def variance(self) -> float:
        return sum(p * v * v for v, p in zip(self.noises, self.probabilities, strict=True))

    def probability(self, noise: int) -> float:
        return dict(zip(self.noises, self.probabilities, strict=True)).get(noise, 0.0)


@dataclass(frozen=True)
class PTable:
    max_noise: int
    variance: float
    small: int  # js: no perturbed count is from 1 to this
    rows: tuple[Row, ...]

    def row(self, count: int) -> Row:
        return self.rows[min(count, len(self.rows) - 1)]

    def noise(self, count: int, cell_key: int) -> int:
        return self.row(count).noise(cell_key % RECORD_KEY_RANGE)

    @property
    def zero_noise_probability(self) -> float:
        """The probability that a count above the small-count rows is published unchanged."""
        return self.rows[-1].probability(0)

    @property
    def same_noise_probability(self) -> float:
        """The probability that two cells of large counts and different records get the same noise:
        how often the difference of two published counts is the true difference."""
        return sum(p * p for p in self.rows[-1].probabilities)

    def describe(self) -> dict[str, Any]:
        return {
            "method": METHOD if self.max_noise else NONE,
            "max_noise": self.max_noise,
            "variance": self.variance if self.max_noise else 0.0,
            "small_counts": self.small if self.max_noise else 0,
            "zero_noise_probability": round(self.zero_noise_probability, 4),
            "additive": not self.max_noise,
        }


def perturb(count: int, cell_key: int, table: PTable) -> int:
    """The published count of `count` records whose keys add up to `cell_key`: never negative, 0 stays 0."""
    if count <= 0:
        return 0
    return count + table.noise(count, cell_key)


# -- making the ptable ----------------------------------------------------------------------------


def _support(count: int, d: int, small: int) -> list[int]:
    if count == 0:
        return [0]
    targets = [j for j in range(max(0, count - d), count + d + 1) if j == 0 or j > small]
    return [j - count for j in targets]


def _variance_range(noises: list[int]) -> tuple[float, float]:
    """The smallest and largest variance of a mean-zero distribution on these noises."""
    negative = [v for v in noises if v < 0]
    positive = [v for v in noises if v > 0]
    if not negative or not positive:
        return 0.0, 0.0
    high = float(-min(negative) * max(positive))
    low = 0.0 if 0 in noises else float(min(-u * w for u in negative for w in positive))
    return low, high


def _max_entropy(noises: list[int], variance: float) -> list[float]:
    """The distribution of maximum entropy on `noises` with mean 0 and this variance.

    It is p(v) proportional to exp(a v + b v^2); (a, b) minimise the convex function
    log sum exp(a v + b v^2) - b * variance, found by Newton's method with a backtracking step.
    """
    scale = float(max(abs(v) for v in noises))
    xs = [v / scale for v in noises]
    target = variance / (scale * scale)

    def moments(a: float, b: float) -> tuple[float, list[float], list[float]]:
        exponents = [a * x + b * x * x for x in xs]
        top = max(exponents)
        weights = [math.exp(e - top) for e in exponents]
        total = sum(weights)
        p = [w / total for w in weights]
        return (
            top + math.log(total) - b * target,
            p,
            [sum(pi * x**k for pi, x in zip(p, xs, strict=True)) for k in (1, 2, 3, 4)],
        )

    a = b = 0.0
    value, p, (m1, m2, m3, m4) = moments(a, b)
    for _ in range(500):
        g1, g2 = m1, m2 - target
        if abs(g1) < 1e-13 and abs(g2) < 1e-13:
            break
        h11, h12, h22 = m2 - m1 * m1 + 1e-12, m3 - m1 * m2, m4 - m2 * m2 + 1e-12
        det = h11 * h22 - h12 * h12
        da, db = (-(h22 * g1 - h12 * g2) / det, -(h11 * g2 - h12 * g1) / det)
        step = 1.0
        while step > 1e-12:
            new_value, new_p, new_m = moments(a + step * da, b + step * db)
            if new_value <= value + 1e-4 * step * (g1 * da + g2 * db):
                break
            step /= 2
        a, b = a + step * da, b + step * db
        value, p, (m1, m2, m3, m4) = new_value, new_p, new_m
    return p


def _row(count: int, d: int, variance: float, small: int) -> Row:
    noises = _support(count, d, small)
    low, high = _variance_range(noises)
    if high <= 0.0:
        probabilities = [1.0 if v == 0 else 0.0 for v in noises]
    else:
        margin = EDGE_MARGIN * (high - low)
        probabilities = _max_entropy(noises, min(max(variance, low + margin), high - margin))
    bounds = []
    cumulative = 0.0
    for p in probabilities:
        cumulative += p
        bounds.append(min(RECORD_KEY_RANGE, round(cumulative * RECORD_KEY_RANGE)))
    bounds[-1] = RECORD_KEY_RANGE
    return Row(count, tuple(noises), tuple(probabilities), tuple(bounds))


def check_parameters(d: int, variance: float, small: int) -> None:
    if d < 0:
        raise ImproperlyConfigured("STROM_STATS_NOISE_MAX must be 0 (no noise) or more.")
    if small < 0 or (d and small > d):
        # A count from 1 to js must be able to reach 0 and a count above js, or its noise has no mean 0.
        raise ImproperlyConfigured("STROM_STATS_NOISE_SMALL must be from 0 to STROM_STATS_NOISE_MAX.")
    if d and not 0 < variance < d * d:
        raise ImproperlyConfigured(
            f"STROM_STATS_NOISE_VARIANCE must be above 0 and below STROM_STATS_NOISE_MAX squared ({d * d})."
        )


@lru_cache(maxsize=8)
def make_ptable(d: int, variance: float, small: int = 0) -> PTable:
    """The perturbation table for maximum noise D, variance V and js (`small`)."""
    check_parameters(d, variance, small)
    if d == 0:
        return PTable(0, 0.0, 0, (Row(0, (0,), (1.0,), (RECORD_KEY_RANGE,)),))
    # From count D + js + 1 on, every count has the same symmetric row: the last one.
    rows = tuple(_row(i, d, variance, small) for i in range(d + small + 2))
    return PTable(d, variance, small, rows)


def ptable() -> PTable:
    """The perturbation table of this instance's settings."""
    return make_ptable(
        settings.STROM_STATS_NOISE_MAX,
        float(settings.STROM_STATS_NOISE_VARIANCE),
        settings.STROM_STATS_NOISE_SMALL,
    )


def ptable_text(table: PTable) -> str:
    """The table as text: one line per original count, the probability of each noise."""
    noises = list(range(-table.max_noise, table.max_noise + 1))
    lines = [
        f"cell key method: D = {table.max_noise}, V = {table.variance:g}, js = {table.small}",
        "count  " + "".join(f"{v:+8d}" for v in noises) + "  variance",
    ]
    for row in table.rows:
        label = f"{row.count}+" if row is table.rows[-1] and table.max_noise else str(row.count)
        cells = "".join(f"{row.probability(v):8.4f}" if v in row.noises else f"{'':8}" for v in noises)
        lines.append(f"{label:>5}  {cells}  {row.variance:8.4f}")
    lines.append(
        f"zero noise (large counts): {table.zero_noise_probability:.4f}; "
        f"two large counts with the same noise: {table.same_noise_probability:.4f}"
    )
    return "\n".join(lines)

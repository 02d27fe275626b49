"""Probabilistic record linkage (Fellegi-Sunter, Splink) on DuckDB in memory.

The records (decrypted names reduced to keys by strom/linkage/features.py) go to an in-memory DuckDB
database through Arrow; DuckDB's spilling to disk is switched off (no temporary directory) and it may
not open files, so decrypted names never reach a disk: a run larger than the memory limit fails
instead of spilling. Splink estimates the weights on the records it is given: u by random sampling,
m by expectation maximisation, the prior from near-certain pairs. The starting m values below are
only where EM begins (and what stays when a small organisation has too few pairs to learn from).

`docs/linkage.md` explains the comparisons and blocking rules.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]  # pyarrow ships no type information
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.blocking_rule_library import CustomRule
from splink.internals.comparison_library import CustomComparison

from strom.linkage.features import COLUMNS

DEFAULT_THREADS = 2
DEFAULT_MEMORY_LIMIT = "6GB"
logger = logging.getLogger(__name__)
# Splink logs every training step at INFO; STROM's logs must not fill with them.
logging.getLogger("splink").setLevel(logging.ERROR)


_RIGHT_NAME = re.compile(r"\b(fn|sn)(_ph)?_r\b")


def _swap(condition: str) -> str:
    """The same condition with the right record's first name and surname exchanged."""
    return _RIGHT_NAME.sub(lambda m: ("sn" if m[1] == "fn" else "fn") + (m[2] or "") + "_r", condition)


def _both(condition: str) -> str:
    return f"(({condition}) OR ({_swap(condition)}))"


def _level(sql: str, label: str, m: float) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m}


JW = "jaro_winkler_similarity"
NAME = CustomComparison(
    output_column_name="name",
    comparison_levels=[
        {"sql_condition": "names_l IS NULL OR names_r IS NULL", "is_null_level": True},
        # Word order ignored: Ivanova Julija == Julija Ivanova.
        _level("names_l = names_r", "same names", 0.55),
        _level(_both(f"{JW}(fn_l, fn_r) >= 0.92 AND {JW}(sn_l, sn_r) >= 0.92"), "both names close", 0.2),
        _level(
            _both(f"(fn_l = fn_r AND {JW}(sn_l, sn_r) >= 0.8) OR (sn_l = sn_r AND {JW}(fn_l, fn_r) >= 0.8)"),
            "one name same, the other similar",
            0.1,
        ),
        _level(_both("fn_ph_l = fn_ph_r AND sn_ph_l = sn_ph_r"), "names sound alike", 0.05),
        _level(
            _both(f"{JW}(fn_l, fn_r) >= 0.85 AND {JW}(sn_l, sn_r) >= 0.85"), "both names somewhat close", 0.04
        ),
        _level(_both("sn_l = sn_r"), "same surname only", 0.03),
        _level(_both("fn_l = fn_r"), "same first name only", 0.02),
        {"sql_condition": "ELSE", "label_for_charts": "different names", "m_probability": 0.01},
    ],
)
BIRTH_DATE = CustomComparison(
    output_column_name="birth_date",
    comparison_levels=[
        {"sql_condition": "dob_l IS NULL OR dob_r IS NULL", "is_null_level": True},
        _level("dob_l = dob_r", "same date", 0.8),
        # One digit mistyped or two swapped: 1990-03-12 / 1990-03-21.
        _level("damerau_levenshtein(dob_l, dob_r) <= 1", "one digit apart", 0.08),
        _level("byear_l = byear_r AND bm_l = bd_r AND bd_l = bm_r", "day and month swapped", 0.03),
        _level("bmd_l = bmd_r AND abs(byear_l - byear_r) <= 2", "same day, year near", 0.04),
        _level("abs(byear_l - byear_r) <= 1", "year near", 0.03),
        {"sql_condition": "ELSE", "label_for_charts": "different dates", "m_probability": 0.02},
    ],
)
GENDER = CustomComparison(
    output_column_name="gender",
    comparison_levels=[
        {"sql_condition": "gender_l IS NULL OR gender_r IS NULL", "is_null_level": True},
        _level("gender_l = gender_r", "same", 0.95),
        {"sql_condition": "ELSE", "label_for_charts": "different", "m_probability": 0.05},
    ],
)

# Pairs are only compared when they share one of these keys, computed in memory. Each rule leaves
# out one kind of error, so a pair with one typo, swapped names or a wrong date still shares a key:
# phonetic keys survive transliteration, three-letter prefixes survive most typos, and each rule
# keeps part of the date so that blocks stay small at a million records (docs/linkage.md).
BLOCKING_RULES = [
    "l.fn_ph = r.fn_ph AND l.sn_ph = r.sn_ph AND l.byear = r.byear",
    # Swapped order: the first name written as the surname and the other way round.
    "l.fn_ph = r.sn_ph AND l.sn_ph = r.fn_ph AND l.byear = r.byear",
    # A typo in one name: the other name and the whole date agree.
    "l.sn_ph = r.sn_ph AND l.dob = r.dob",
    "l.fn_ph = r.fn_ph AND l.dob = r.dob",
    "l.sn_ph = r.fn_ph AND l.dob = r.dob",
    "l.fn_ph = r.sn_ph AND l.dob = r.dob",
    # A wrong year: the names and the day of the year agree.
    "l.fn_ph = r.fn_ph AND l.sn_ph = r.sn_ph AND l.bmd = r.bmd",
    # A typo late in a name together with a wrong day or month.
    "l.fn3 = r.fn3 AND l.sn3 = r.sn3 AND l.byear = r.byear",
    # No date of birth on one side.
    "l.names = r.names AND (l.dob IS NULL OR r.dob IS NULL)",
]
# Pairs that are the same person beyond doubt, for Splink's estimate of the share of matching pairs.
CERTAIN_RULES = ["l.names = r.names AND l.dob = r.dob"]
CERTAIN_RECALL = 0.6
EM_SAMPLE_ROWS = 150_000
# Pairs sampled for the u probabilities; more where there are more records to sample from.
U_PAIRS = 1e6
U_PAIRS_LARGE = 2e6
LARGE = 200_000


@dataclass(frozen=True)
class Pair:
    a: int  # the lower unique id
    b: int
    probability: float


def connect(*, threads: int = DEFAULT_THREADS, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> Any:
    """An in-memory DuckDB that cannot spill to disk or open files."""
    con = duckdb.connect(
        ":memory:", config={"temp_directory": "", "threads": threads, "memory_limit": memory_limit}
    )
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[NAME, BIRTH_DATE, GENDER],
        blocking_rules_to_generate_predictions=[CustomRule(rule) for rule in BLOCKING_RULES],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def _train(linker: Linker, rows: int, *, u_pairs: float) -> None:
    training = linker.training
    model = linker._settings_obj
    default_prior = model._probability_two_random_records_match
    try:
        training.estimate_probability_two_random_records_match(
            [CustomRule(rule) for rule in CERTAIN_RULES], recall=CERTAIN_RECALL
        )
    except Exception as exc:  # Splink raises several kinds when no pair is certain
        logger.info("linkage: the prior keeps its default (%s)", type(exc).__name__)
    if not 0 < model._probability_two_random_records_match < 1:
        # A handful of records with no certain pair estimates a prior of 0, whose match weight
        # (log2 of 0) Splink cannot compute: the default prior stands.
        model._probability_two_random_records_match = default_prior
    training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=20141001)
    # Each session learns the m values of the comparisons its blocking rule does not fix. Records are
    # sampled so that a session compares about a million pairs whatever the size of the data.
    sample = min(1.0, EM_SAMPLE_ROWS / rows)
    for rule in ("l.dob = r.dob", "l.names = r.names"):
        try:
            training.estimate_parameters_using_expectation_maximisation(rule, record_sample_proportion=sample)
        except Exception as exc:  # too few pairs under this rule: the starting m values stay
            logger.info("linkage: no training under %s (%s)", rule, type(exc).__name__)


def find_pairs(
    columns: dict[str, list[object]],
    *,
    min_probability: float = 0.5,
    threads: int = DEFAULT_THREADS,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    u_pairs: float | None = None,
) -> list[Pair]:
    """Candidate pairs among the records, with Splink's match probability, at or above `min_probability`."""
    rows = len(columns["unique_id"])
    if rows < 2:
        return []
    con = connect(threads=threads, memory_limit=memory_limit)
    try:
        table = pa.table({name: columns[name] for name in COLUMNS})
        db_api = DuckDBAPI(connection=con)
        linker = Linker(db_api.register(table, table_name="persons"), settings(), log_level=None)
        _train(linker, rows, u_pairs=u_pairs or (U_PAIRS_LARGE if rows > LARGE else U_PAIRS))
        predictions = linker.inference.predict(threshold_match_probability=min_probability)
        # The table name is one Splink made; nothing from input reaches this query.
        columns_sql = "least(unique_id_l, unique_id_r), greatest(unique_id_l, unique_id_r), match_probability"
        result = con.sql(f"SELECT {columns_sql} FROM {predictions.physical_name}").fetchall()  # noqa: S608
    finally:
        con.close()
    return [Pair(int(a), int(b), float(p)) for a, b, p in result]

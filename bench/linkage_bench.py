# ruff: noqa: T201, RUF001, S311, SIM905 - a command-line tool that prints; Cyrillic names; seeded synthesis
"""Duplicate detection on synthetic person records with the truth known: precision, recall, F1, time, memory.

    .venv/bin/python bench/linkage_bench.py --n 100000
    .venv/bin/python bench/linkage_bench.py            # 1,000,000 records

Synthesises persons whose names cross scripts as the region's records do: a Russian or Ukrainian name
written in Cyrillic or transliterated the Russian passport's way (Iuliia), the English way (Yuliya),
the German (Julija Iwanowa), Polish (Julia Iwanowa), Latvian (Jūlija Ivanova) or Lithuanian way; a
Baltic, Nordic or Polish name with its diacritics, without them, or with German umlaut spellings.
Each person appears one to four times; every record after the first may have its names swapped, a
typo (a letter dropped, added, changed or two exchanged) and an uncertain date of birth (day and
month swapped, a day or a year off, a digit mistyped, or missing). Different persons may share a
name, and some share a date of birth.

Then runs STROM's own pipeline in memory: the same features (strom/linkage/features.py), blocking
rules, comparisons and training (strom/linkage/engine.py), DuckDB with two threads. Prints the pairs'
precision, recall and F1 at several match probabilities, the time of each step and the peak memory
of the process (resource.getrusage).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from strom.linkage.engine import find_pairs
from strom.linkage.features import PersonRecord, feature_columns

FEMALE_CY = (
    "Юлия Анна Мария Елена Ольга Наталья Татьяна Ирина Светлана Екатерина Анастасия Дарья Ксения "
    "Людмила Галина Валентина Надежда Вера Любовь Алёна Виктория Кристина Оксана Марина Евгения "
    "Софья Полина Алина Василиса Яна Зоя Раиса Лидия Тамара Жанна Инна Эльвира Варвара Ульяна Таисия"
).split()
MALE_CY = (
    "Иван Алексей Дмитрий Сергей Андрей Юрий Николай Михаил Владимир Александр Павел Максим Артём "
    "Евгений Виктор Олег Игорь Роман Денис Константин Григорий Фёдор Василий Борис Пётр Тимофей "
    "Вячеслав Станислав Ярослав Богдан Тарас Семён Леонид Геннадий Захар Илья Кирилл Матвей Степан"
).split()
FEMALE_LA = (
    "Jūlija Līga Ilze Inese Anna Kristīne Zane Aušra Rūta Eglė Žydrūnė Gintarė Birutė Agnė Małgorzata "
    "Katarzyna Agnieszka Grażyna Żaneta Åsa Märta Björg Sigríður Jóhanna Kaisa Päivi Hannele Sörine "
    "Ülle Tiiu Mari-Liis Kärt Signe Dagnija Vēsma Ieva Laima Solveiga Elżbieta"
).split()
MALE_LA = (
    "Jānis Ēriks Andris Mārtiņš Rūdolfs Kārlis Jonas Tomas Mindaugas Žygimantas Łukasz Paweł Zbigniew "
    "Wojciech Grzegorz Björn Göran Åke Jörg Jürgen Søren Jón Þór Jyrki Väinö Tõnu Jüri Märt Ülo "
    "Raimonds Aivars Valdis Gintaras Vytautas Šarūnas Krzysztof Jarosław Mikołaj Stefan"
).split()
SYLLABLES_CY = (
    "ка ло ми ре ва ни то ша жу че ду лю ря бо зе ку па ги со фе ха цу ры мо не ли да ве ту гу".split()
)
SURNAME_ENDINGS_CY = (
    ("ов", "ова"),
    ("ев", "ева"),
    ("ин", "ина"),
    ("енко", "енко"),
    ("ук", "ук"),
    ("ский", "ская"),
)
SYLLABLES_LA = (
    "ka lo mi re va ni to ša žu če du lu rā bo ze ku pa gi so fe ha cu rī mo ne li dā ve tu gö".split()
)
SURNAME_ENDINGS_LA = (
    ("s", "a"),
    ("is", "e"),
    ("as", "ienė"),
    ("ys", "aitė"),
    ("nen", "nen"),
    ("sson", "sdóttir"),
    ("ski", "ska"),
    ("berg", "berg"),
)

_BASE = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
SCHEMES = {
    # Russian passports since 2014 (ICAO 9303).
    "icao": {**_BASE, "й": "i", "ю": "iu", "я": "ia", "ъ": "ie"},
    "english": {**_BASE, "ь": "'"},
    "german": {**_BASE, "в": "w", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch",
               "ш": "sch", "щ": "schtsch", "ю": "ju", "я": "ja"},
    "polish": {**_BASE, "в": "w", "ж": "ż", "й": "j", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz",
               "щ": "szcz", "ю": "ju", "я": "ja", "л": "ł"},
    "latvian": {**_BASE, "ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
                "ю": "ju", "я": "ja", "ы": "i", "у": "u"},
    "lithuanian": {**_BASE, "ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
                   "ю": "ju", "я": "ja"},
}  # fmt: skip
_STRIP = str.maketrans("āēīūčšžņļķģŗėęįųąåäöüõøæłżźśćńóýíáéúþðß", "aeiucsznlkgreeiuaaaouooalzzscnoyiaeutds")
_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "ø": "oe", "æ": "ae"}
_TO_CYRILLIC = {
    "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и", "j": "й",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т", "u": "у",
    "v": "в", "w": "в", "y": "ы", "z": "з", "š": "ш", "ž": "ж", "č": "ч", "ł": "л",
}  # fmt: skip
LETTERS = {"cy": "абвгдеиклмнопрстуя", "la": "abcdeghijklmnoprstuvz"}


def transliterate(name: str, scheme: str) -> str:
    table = SCHEMES[scheme]
    out = []
    for i, char in enumerate(name.lower()):
        # Cyrillic ия/ья at a word's end: Iuliia (passport), Yuliya, Julija, Julia (Polish).
        if scheme == "polish" and char == "я" and i > 0 and name.lower()[i - 1] in "иь":
            out.append("a")
            continue
        out.append(table.get(char, char))
    text = "".join(out)
    if scheme == "latvian" and text[-1:] not in "aeiou":
        text += "s"  # Latvian adds -s to masculine names: Ivans, Ivanovs
    return text[:1].upper() + text[1:]


def latin_variant(name: str, rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.5:
        return name
    if pick < 0.8:
        return name.translate(_STRIP).translate(str.maketrans("ĀĒĪŪČŠŽŁŻÅÄÖÜÕØÆÞ", "AEIUCSZLZAAOUOOAT"))
    if pick < 0.9:
        text = "".join(_UMLAUTS.get(c, c) for c in name.lower())
        return (text[:1].upper() + text[1:]).translate(_STRIP)
    text = "".join(
        _TO_CYRILLIC.get(c, c) for c in name.lower().translate(str.maketrans("āēīūņļķģ", "aeiunlkg"))
    )
    return text[:1].upper() + text[1:]


def typo(name: str, rng: random.Random) -> str:
    if len(name) < 3:
        return name
    letters = LETTERS["cy"] if any("а" <= c <= "я" for c in name.lower()) else LETTERS["la"]
    i = rng.randrange(1, len(name))
    kind = rng.randrange(4)
    if kind == 0:
        return name[:i] + name[i + 1 :]
    if kind == 1:
        return name[:i] + rng.choice(letters) + name[i:]
    if kind == 2:
        return name[:i] + rng.choice(letters) + name[i + 1 :]
    if i < len(name) - 1:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


def date_error(dob: str, rng: random.Random) -> str:
    year, month, day = int(dob[:4]), int(dob[5:7]), int(dob[8:10])
    kind = rng.randrange(5)
    if kind == 0 and day <= 12 and day != month:
        month, day = day, month
    elif kind == 1:
        day = day + 1 if day < 28 else day - 1
    elif kind == 2:
        year += rng.choice((-1, 1))
    elif kind == 3:
        i = rng.choice((2, 3, 9))  # a digit of the year's last two, or of the day's last
        text = list(dob)
        text[i] = str(rng.randrange(10))
        candidate = "".join(text)
        return candidate if candidate[8:] not in ("00", "30", "31") else dob
    else:
        return ""
    return f"{year:04d}-{month:02d}-{day:02d}"


def surname(rng: random.Random, cyrillic: bool, female: bool) -> str:
    syllables = SYLLABLES_CY if cyrillic else SYLLABLES_LA
    endings = SURNAME_ENDINGS_CY if cyrillic else SURNAME_ENDINGS_LA
    root = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 3))))
    ending = rng.choice(endings)[1 if female else 0]
    text = root + ending
    return text[:1].upper() + text[1:]


def render(entity: tuple[bool, str, str, str, str], rng: random.Random) -> tuple[str, str]:
    cyrillic, given, family, _gender, _dob = entity
    if not cyrillic:
        return latin_variant(given, rng), latin_variant(family, rng)
    scheme = rng.choice(("cyrillic", "icao", "english", "german", "polish", "latvian", "lithuanian"))
    if scheme == "cyrillic":
        return given, family
    return transliterate(given, scheme), transliterate(family, scheme)


def synthesise(n: int, seed: int) -> tuple[list[PersonRecord], list[int]]:
    """n records and the entity each belongs to."""
    rng = random.Random(seed)
    records: list[PersonRecord] = []
    truth: list[int] = []
    entity_id = 0
    while len(records) < n:
        cyrillic = rng.random() < 0.6
        female = rng.random() < 0.7  # most identified victims in the region are women
        pool = (FEMALE_CY if female else MALE_CY) if cyrillic else (FEMALE_LA if female else MALE_LA)
        born = f"{rng.randrange(1955, 2009):04d}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        gender = "Feminine" if female else "Masculine"
        entity = (cyrillic, rng.choice(pool), surname(rng, cyrillic, female), gender, born)
        copies = rng.choices((1, 2, 3, 4), weights=(60, 28, 9, 3))[0]
        for copy in range(min(copies, n - len(records))):
            given, family = render(entity, rng)
            dob = born
            if copy:
                if rng.random() < 0.1:
                    given, family = family, given
                if rng.random() < 0.15:
                    if rng.random() < 0.5:
                        given = typo(given, rng)
                    else:
                        family = typo(family, rng)
                if rng.random() < 0.15:
                    dob = date_error(dob, rng)
            records.append(
                PersonRecord(len(records), given, family, dob, gender if rng.random() < 0.9 else "")
            )
            truth.append(entity_id)
        entity_id += 1
    return records, truth


def score(
    pairs: list[tuple[int, int, float]], truth: list[int], threshold: float
) -> tuple[float, float, float]:
    sizes = Counter(truth)
    true_pairs = sum(k * (k - 1) // 2 for k in sizes.values())
    found = [(a, b) for a, b, p in pairs if p >= threshold]
    correct = sum(1 for a, b in found if truth[a] == truth[b])
    precision = correct / len(found) if found else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="number of records (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--threshold", type=float, default=0.8, help="match probability the targets are read at"
    )
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    records, truth = synthesise(args.n, args.seed)
    synthesised = time.perf_counter()
    print(
        f"records: {len(records):,}  persons: {len(set(truth)):,}  synthesis: {synthesised - started:.1f} s"
    )
    for record in records[:6]:
        print(f"  e.g. {truth[record.id]:>3}  {record.given_name} {record.family_name}  {record.birth_date}")

    columns = feature_columns(records)
    del records
    featured = time.perf_counter()
    lowest = min(args.threshold, 0.5)
    found = find_pairs(columns, min_probability=lowest, threads=args.threads)
    linked = time.perf_counter()
    pairs = [(p.a, p.b, p.probability) for p in found]
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb = usage.ru_maxrss / 1024

    print(f"features: {featured - synthesised:.1f} s  training and prediction: {linked - featured:.1f} s")
    print(f"pipeline (features + linkage): {linked - synthesised:.1f} s  peak memory: {peak_mb:,.0f} MB")
    # On a shared machine the wall time includes waiting for the CPU; the CPU time does not.
    print(f"CPU time of the whole run (user + system, both threads): {usage.ru_utime + usage.ru_stime:.1f} s")
    print("threshold  pairs       precision  recall  F1")
    for threshold in sorted({lowest, 0.5, 0.8, 0.9, 0.95, 0.99, args.threshold}):
        precision, recall, f1 = score(pairs, truth, threshold)
        count = sum(1 for p in pairs if p[2] >= threshold)
        mark = "  <- --threshold" if threshold == args.threshold else ""
        print(f"{threshold:9.2f}  {count:10,}  {precision:9.4f}  {recall:6.4f}  {f1:.4f}{mark}")


if __name__ == "__main__":
    main()

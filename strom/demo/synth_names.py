# ruff: noqa: RUF001, S311 - Cyrillic letters are the point here; the generator is for synthetic data
"""Synthetic personal names for demo and scale data: never real victims, only combinations of common
given names and surnames, with the spellings the same person is known by across scripts and countries.

A Russian or Ukrainian name is written in Cyrillic and transliterated the way Latvian, Polish, German
and English-language (passport, ICAO) documents write it, so `Юлия Иванова` is also `Jūlija Ivanova`,
`Julija Iwanowa`, `Yulia Ivanova` and `Iuliia Ivanova`. Latin-script names keep a spelling without
diacritics (how a foreign form or database writes them) and, for Vietnamese names, the Western order.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass

# --- Cyrillic transliteration schemes ----------------------------------------------------------------

_VOWELS = set("аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ")

_COMMON = {
    "а": "a", "б": "b", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "ъ": "", "ь": "",
    "э": "e", "і": "i", "ґ": "g",
}  # fmt: skip

SCHEMES: dict[str, dict[str, str]] = {
    # Latvian orthography (names in Latvian documents and registers).
    "lv": {**_COMMON, "в": "v", "е": "e", "ё": "jo", "ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č",
           "ш": "š", "щ": "šč", "ы": "i", "ю": "ju", "я": "ja", "ї": "ji", "є": "je"},
    # Polish orthography.
    "pl": {**_COMMON, "в": "w", "е": "e", "ё": "jo", "ж": "ż", "й": "j", "х": "ch", "ц": "c", "ч": "cz",
           "ш": "sz", "щ": "szcz", "ы": "y", "ю": "ju", "я": "ja", "ї": "ji", "є": "je"},
    # German (Duden) transcription.
    "de": {**_COMMON, "в": "w", "е": "e", "ё": "jo", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z",
           "ч": "tsch", "ш": "sch", "щ": "schtsch", "ы": "y", "ю": "ju", "я": "ja", "ї": "ji", "є": "je"},
    # English-language popular spelling.
    "en": {**_COMMON, "в": "v", "е": "e", "ё": "yo", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch",
           "ш": "sh", "щ": "shch", "ы": "y", "ю": "yu", "я": "ya", "ї": "yi", "є": "ye"},
    # ICAO Doc 9303 (machine-readable passports since 2013).
    "icao": {**_COMMON, "в": "v", "е": "e", "ё": "e", "ж": "zh", "й": "i", "х": "kh", "ц": "ts",
             "ч": "ch", "ш": "sh", "щ": "shch", "ы": "y", "ъ": "ie", "ю": "iu", "я": "ia", "ї": "i",
             "є": "ie"},
}  # fmt: skip


def transliterate(word: str, scheme: str, *, ukrainian: bool = False, masculine: bool = False) -> str:
    table = SCHEMES[scheme]
    lower = word.lower()
    if scheme == "en" and lower.endswith("ия"):
        lower = lower[:-2] + "иа"  # Yulia, Maria: the popular English spelling
    out = []
    for i, ch in enumerate(lower):
        prev = lower[i - 1] if i else ""
        if ukrainian and ch == "г":
            piece = "h"
        elif ukrainian and ch == "и":
            piece = "y" if scheme in ("en", "icao", "pl", "de") else "i"
        elif ch == "е" and (i == 0 or prev in _VOWELS or prev in "ьъ") and scheme != "icao":
            piece = {"en": "ye", "lv": "je", "pl": "je", "de": "je"}[scheme]
        else:
            piece = table.get(ch, ch)
        out.append(piece)
    result = "".join(out)
    if scheme == "lv" and masculine and result and result[-1] not in "aeiouāēīū":
        result += "s"  # Latvian adds -s to masculine names: Jurijs, Ivanovs, Sergejs
    return result[:1].upper() + result[1:]


# --- name pools -----------------------------------------------------------------------------------------

# (given names female, given names male, surnames as (masculine, feminine))
_RU = (
    ["Юлия", "Анна", "Мария", "Екатерина", "Наталья", "Ольга", "Елена", "Светлана", "Ирина", "Татьяна",
     "Алёна", "Ксения", "Дарья", "Валентина", "Людмила", "Надежда"],
    ["Алексей", "Сергей", "Дмитрий", "Андрей", "Юрий", "Николай", "Иван", "Михаил", "Евгений", "Павел",
     "Виктор", "Артём"],
    [("Иванов", "Иванова"), ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"), ("Попов", "Попова"),
     ("Соколов", "Соколова"), ("Волков", "Волкова"), ("Морозов", "Морозова"), ("Лебедев", "Лебедева"),
     ("Козлов", "Козлова"), ("Новиков", "Новикова"), ("Орлов", "Орлова"), ("Фёдоров", "Фёдорова"),
     ("Жуков", "Жукова"), ("Щербаков", "Щербакова")],
)  # fmt: skip
_UA = (
    ["Оксана", "Олена", "Наталія", "Тетяна", "Юлія", "Ірина", "Галина", "Людмила", "Марія", "Ганна",
     "Вікторія", "Світлана"],
    ["Андрій", "Олександр", "Дмитро", "Сергій", "Юрій", "Василь", "Богдан", "Тарас", "Микола", "Олег"],
    [("Шевченко", "Шевченко"), ("Бондаренко", "Бондаренко"), ("Коваленко", "Коваленко"),
     ("Ткаченко", "Ткаченко"), ("Кравченко", "Кравченко"), ("Олійник", "Олійник"), ("Мельник", "Мельник"),
     ("Поліщук", "Поліщук"), ("Гончаренко", "Гончаренко"), ("Ковальчук", "Ковальчук"),
     ("Лисенко", "Лисенко"), ("Савченко", "Савченко")],
)  # fmt: skip
_LATIN: dict[str, tuple[list[str], list[str], list[tuple[str, str]]]] = {
    "lv": (
        ["Ilze", "Līga", "Kristīne", "Inese", "Laura", "Anete", "Zane", "Dace", "Evija", "Ieva", "Sanita"],
        ["Jānis", "Andris", "Māris", "Edgars", "Kārlis", "Roberts", "Gints", "Aivars", "Raitis", "Uldis"],
        [("Bērziņš", "Bērziņa"), ("Kalniņš", "Kalniņa"), ("Ozoliņš", "Ozoliņa"), ("Jansons", "Jansone"),
         ("Liepiņš", "Liepiņa"), ("Krūmiņš", "Krūmiņa"), ("Zariņš", "Zariņa"), ("Vītols", "Vītola"),
         ("Kļaviņš", "Kļaviņa"), ("Balodis", "Balode")],
    ),
    "lt": (
        ["Rūta", "Aistė", "Eglė", "Jurgita", "Ieva", "Gintarė", "Lina", "Vaida", "Dalia", "Rasa"],
        ["Jonas", "Tomas", "Mantas", "Darius", "Paulius", "Mindaugas", "Vytautas", "Giedrius", "Lukas"],
        [("Kazlauskas", "Kazlauskienė"), ("Petrauskas", "Petrauskaitė"), ("Jankauskas", "Jankauskienė"),
         ("Stankevičius", "Stankevičiūtė"), ("Vasiliauskas", "Vasiliauskienė"), ("Žukauskas", "Žukauskaitė"),
         ("Butkus", "Butkutė"), ("Paulauskas", "Paulauskienė"), ("Urbonas", "Urbonaitė")],
    ),
    "ee": (
        ["Kadri", "Liis", "Mari", "Kristiina", "Triin", "Kätlin", "Merike", "Piret", "Anu"],
        ["Kristjan", "Jaan", "Mart", "Tõnu", "Rein", "Priit", "Märt", "Andres", "Siim"],
        [("Tamm", "Tamm"), ("Saar", "Saar"), ("Sepp", "Sepp"), ("Mägi", "Mägi"), ("Kask", "Kask"),
         ("Kukk", "Kukk"), ("Rebane", "Rebane"), ("Ilves", "Ilves"), ("Pärn", "Pärn"), ("Koppel", "Koppel")],
    ),
    "fi": (
        ["Aino", "Helmi", "Emilia", "Sanna", "Päivi", "Tiina", "Johanna", "Minna", "Satu"],
        ["Eino", "Väinö", "Juha", "Mikko", "Jussi", "Timo", "Antti", "Pekka", "Jari"],
        [("Virtanen", "Virtanen"), ("Korhonen", "Korhonen"), ("Mäkinen", "Mäkinen"),
         ("Nieminen", "Nieminen"), ("Hämäläinen", "Hämäläinen"), ("Laine", "Laine"),
         ("Heikkinen", "Heikkinen"), ("Järvinen", "Järvinen"), ("Mäkelä", "Mäkelä")],
    ),
    "pl": (
        ["Agnieszka", "Małgorzata", "Katarzyna", "Joanna", "Magdalena", "Ewa", "Beata", "Żaneta", "Anna"],
        ["Piotr", "Krzysztof", "Tomasz", "Paweł", "Łukasz", "Michał", "Grzegorz", "Marcin", "Jakub"],
        [("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"),
         ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"), ("Zieliński", "Zielińska"),
         ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska")],
    ),
    "ro": (
        ["Ioana", "Elena", "Andreea", "Maria", "Alexandra", "Cristina", "Mihaela", "Ana", "Florentina"],
        ["Mihai", "Andrei", "Ștefan", "Ion", "Gheorghe", "Alexandru", "Constantin", "Florin", "Marius"],
        [("Popescu", "Popescu"), ("Ionescu", "Ionescu"), ("Popa", "Popa"), ("Dumitru", "Dumitru"),
         ("Stan", "Stan"), ("Stoica", "Stoica"), ("Gheorghiu", "Gheorghiu"), ("Munteanu", "Munteanu"),
         ("Țurcanu", "Țurcanu"), ("Răducanu", "Răducanu")],
    ),
    # Vietnamese: family name first; middle name part of the given name (Thị for women, Văn for men).
    "vn": (
        ["Thị Lan", "Thị Hương", "Thị Mai", "Thị Hoa", "Thị Thu", "Ngọc Anh", "Thị Hằng", "Thị Linh"],
        ["Văn Minh", "Văn Hùng", "Văn Tuấn", "Đức Anh", "Văn Nam", "Quang Huy", "Văn Long", "Văn Dũng"],
        [("Nguyễn", "Nguyễn"), ("Trần", "Trần"), ("Lê", "Lê"), ("Phạm", "Phạm"), ("Hoàng", "Hoàng"),
         ("Vũ", "Vũ"), ("Đặng", "Đặng"), ("Bùi", "Bùi"), ("Đỗ", "Đỗ")],
    ),
    "ng": (
        ["Chinwe", "Blessing", "Ngozi", "Adaeze", "Funmilayo", "Aisha", "Precious", "Joy", "Chiamaka"],
        ["Chinedu", "Emeka", "Oluwaseun", "Ibrahim", "Tunde", "Uchenna", "Godwin", "Musa", "Obinna"],
        [("Okafor", "Okafor"), ("Adeyemi", "Adeyemi"), ("Okonkwo", "Okonkwo"), ("Eze", "Eze"),
         ("Ogunleye", "Ogunleye"), ("Bello", "Bello"), ("Nwosu", "Nwosu"), ("Abubakar", "Abubakar"),
         ("Obi", "Obi")],
    ),
}  # fmt: skip

# Where people assisted around the Baltic Sea come from (synthetic weights, roughly the pattern in
# the region's reports: many nationals, many from Ukraine, Russia-speaking, Romania, Vietnam, Nigeria).
CULTURES: list[tuple[str, int]] = [
    ("ru", 14), ("ua", 16), ("lv", 10), ("lt", 10), ("ee", 5), ("fi", 3), ("pl", 9), ("ro", 11),
    ("vn", 10), ("ng", 12),
]  # fmt: skip
CITIZENSHIPS: dict[str, list[str]] = {
    "ru": ["RU", "LV", "EE", "BY"],
    "ua": ["UA"],
    "lv": ["LV"],
    "lt": ["LT"],
    "ee": ["EE"],
    "fi": ["FI"],
    "pl": ["PL"],
    "ro": ["RO", "MD"],
    "vn": ["VN"],
    "ng": ["NG"],
}
LANGUAGES: dict[str, list[str]] = {
    "ru": ["ru"],
    "ua": ["uk", "ru"],
    "lv": ["lv"],
    "lt": ["lt"],
    "ee": ["et"],
    "fi": ["fi"],
    "pl": ["pl"],
    "ro": ["ro"],
    "vn": ["vi"],
    "ng": ["en", "ig"],
}
_CULTURE_NAMES = [c for c, _w in CULTURES]
_CULTURE_WEIGHTS = [w for _c, w in CULTURES]

_UNDECOMPOSABLE = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "æ": "ae"})


def strip_diacritics(value: str) -> str:
    """How a form without diacritics writes a name: Bērziņa -> Berzina, Nguyễn -> Nguyen."""
    decomposed = unicodedata.normalize("NFKD", value.translate(_UNDECOMPOSABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class SyntheticName:
    culture: str
    masculine: bool
    given_name: str
    family_name: str
    other_names: tuple[str, ...]  # other spellings of the same person, never the recorded name itself


def _cyrillic_variants(given: str, family: str, *, ukrainian: bool, masculine: bool) -> list[str]:
    variants = []
    for scheme in ("lv", "en", "pl", "icao", "de"):
        g = _LV_GIVEN.get(given) if scheme == "lv" else None
        g = g or transliterate(given, scheme, ukrainian=ukrainian, masculine=masculine)
        f = transliterate(family, scheme, ukrainian=ukrainian, masculine=masculine)
        variants.append(f"{g} {f}")
    return list(dict.fromkeys(variants))


# Latvian marks long vowels the transliteration tables cannot know about.
_LV_GIVEN = {"Юлия": "Jūlija", "Юлія": "Jūlija", "Юрий": "Jurijs", "Юрій": "Jurijs", "Мария": "Marija"}


def make_name(culture: str, masculine: bool, given_i: int, family_i: int, variant_pick: int) -> SyntheticName:
    """The name at these positions of the pools; `variant_pick` chooses which other spellings are known."""
    if culture in ("ru", "ua"):
        females, males, families = _RU if culture == "ru" else _UA
        given = (males if masculine else females)[given_i % len(males if masculine else females)]
        family = families[family_i % len(families)][0 if masculine else 1]
        variants = _cyrillic_variants(given, family, ukrainian=culture == "ua", masculine=masculine)
        # Two to four of the five spellings appear on the person's documents and in other registers.
        rng = random.Random(variant_pick)
        known = rng.sample(variants, k=min(len(variants), 2 + variant_pick % 3))
        return SyntheticName(culture, masculine, given, family, tuple(known))
    females, males, families = _LATIN[culture]
    pool = males if masculine else females
    given = pool[given_i % len(pool)]
    family = families[family_i % len(families)][0 if masculine else 1]
    others: list[str] = []
    plain = strip_diacritics(f"{given} {family}")
    if plain != f"{given} {family}":
        others.append(plain)
    if culture == "vn":
        # Western order, family name last, as on many European documents.
        others.append(f"{strip_diacritics(given.split()[-1])} {strip_diacritics(family)}")
    if culture == "lt" and not masculine and family.endswith("ienė") and variant_pick % 2:
        # A married woman's maiden name.
        maiden = families[family_i % len(families)][0][:-2] + "aitė"
        others.append(f"{given} {maiden}")
    return SyntheticName(culture, masculine, given, family, tuple(others))


def random_name(rng: random.Random) -> SyntheticName:
    culture = rng.choices(_CULTURE_NAMES, weights=_CULTURE_WEIGHTS)[0]
    masculine = rng.random() < 0.3  # most persons assisted in the region's reports are women
    return make_name(culture, masculine, rng.randrange(64), rng.randrange(64), rng.randrange(1 << 16))

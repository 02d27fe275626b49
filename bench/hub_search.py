# ruff: noqa: T201, S311 - a command-line tool that prints; seeded randomness makes synthetic text and queries
"""Benchmark: the hub search over 100,000 practices and 10,000 events, saturated, beside a bare view.

Not a test: run it by hand on a database of its own (bench/README.md, docs/performance.md).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/strom_hubbench .venv/bin/python bench/hub_search.py

It writes synthetic index rows (kinds "practice" and "event", keys "bench-<n>") straight into the hub's
index with COPY — the index is what the search reads; the apps' own tables play no part in a query —
in ten languages, then serves STROM with gunicorn as `strom run` does, plus one bare Django view, and
drives with N keep-alive connections back to back, in the same run:

- `search`: GET /api/v1/hub/search with realistic varied queries (one to three words, some without
  diacritics, some with a typo, some with a filter, some filters only, some page 2);
- `cold`: the same searches with STROM_HUB_SEARCH_CACHE_SECONDS=0, so that every one is computed
  (`search` runs as deployed: a page of results is kept until the index changes, and a search typed
  again is answered from the cache);
- `bare`: GET /bench/hub-bare/, a plain Django view that returns as many rows of the same table (the
  same JSON fields, a random offset, no search) with the same session;

and prints p50/p95/p99 latency and requests/s of each and the ratio. The load is wrk (the paths drawn
at random from a list made up front), so the client costs the server's two cores little.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BENCH_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strom.settings")

from run_bench import strom_with  # noqa: E402 - after the paths above

PAGE = 20
KEY_PREFIX = "bench-"

# A small domain vocabulary per language; titles and bodies are drawn from it with a skewed choice, so
# some words are in many records and others in few, as in real texts.
WORDS: dict[str, str] = {
    "en": "trafficking victim victims labour exploitation municipality municipal social worker workers "
    "shelter assistance identification referral cooperation police training prevention children child "
    "forced begging criminality guardian housing reintegration return inspection employer recruitment "
    "agency supply chain prosecution compensation legal aid hotline outreach awareness campaign "
    "interpreter screening indicators mechanism national coordinator guideline practice evaluation "
    "network partnership seasonal agriculture construction cleaning fishing sexual marriage online",
    "de": "Menschenhandel Opfer Arbeitsausbeutung Ausbeutung Gemeinde Kommune Sozialarbeit Sozialarbeiter "
    "Unterkunft Hilfe Betreuung Identifizierung Verweisung Zusammenarbeit Polizei Schulung Prävention "
    "Kinder Kind Zwangsarbeit Betteln Vormund Wohnung Rückkehr Kontrolle Arbeitgeber Anwerbung "
    "Lieferkette Strafverfolgung Entschädigung Rechtsberatung Beratungsstelle Sensibilisierung "
    "Dolmetscher Indikatoren Mechanismus Leitlinie Praxis Bewertung Netzwerk Saisonarbeit Landwirtschaft "
    "Baustelle Reinigung Fischerei Zwangsheirat Jugendamt Frauen Männer",
    "lv": "cilvēktirdzniecība cietušais cietušie darba ekspluatācija pašvaldība pašvaldības sociālais "
    "darbinieks patversme palīdzība identificēšana nosūtīšana sadarbība policija apmācība prevencija "
    "bērni bērns piespiedu ubagošana aizbildnis mājoklis atgriešanās inspekcija darba devējs "
    "vervēšana aģentūra kriminālvajāšana kompensācija juridiskā palīdzība uzticības tālrunis "
    "informēšana kampaņa tulks indikatori mehānisms koordinators vadlīnijas prakse novērtējums tīkls "
    "sezonas lauksaimniecība būvniecība uzkopšana zvejniecība seksuālā fiktīvā laulība",
    "lt": "prekyba žmonėmis auka aukos darbo išnaudojimas savivaldybė socialinis darbuotojas prieglauda "
    "pagalba identifikavimas nukreipimas bendradarbiavimas policija mokymai prevencija vaikai vaikas "
    "priverstinis elgetavimas globėjas būstas grįžimas inspekcija darbdavys verbavimas agentūra "
    "baudžiamasis persekiojimas kompensacija teisinė pagalba karštoji linija informavimas kampanija "
    "vertėjas rodikliai mechanizmas koordinatorius gairės praktika vertinimas tinklas sezoninis "
    "žemės ūkis statybos valymas žvejyba seksualinis santuoka",
    "ru": "торговля людьми жертва жертвы трудовая эксплуатация муниципалитет социальный работник приют "
    "помощь выявление направление сотрудничество полиция обучение профилактика дети ребёнок "
    "принудительный попрошайничество опекун жильё возвращение инспекция работодатель вербовка "
    "агентство уголовное преследование компенсация юридическая горячая линия информирование кампания "
    "переводчик индикаторы механизм координатор рекомендации практика оценка сеть сезонные сельское "
    "хозяйство строительство уборка рыболовство сексуальная брак",
    "sv": "människohandel offer arbetskraftsexploatering exploatering kommun socialtjänst socialsekreterare "
    "skyddat boende stöd identifiering hänvisning samverkan polis utbildning förebyggande barn tvångsarbete "
    "tiggeri god man bostad återvändande arbetsmiljöverket arbetsgivare rekrytering bemanningsföretag "
    "leveranskedja åtal ersättning rättshjälp stödlinje uppsökande kampanj tolk indikatorer "
    "samordnare riktlinjer praxis utvärdering nätverk säsongsarbete jordbruk byggbranschen städning",
    "fi": "ihmiskauppa uhri uhrit työperäinen hyväksikäyttö kunta sosiaalityö sosiaalityöntekijä turvakoti "
    "auttamisjärjestelmä tunnistaminen ohjaus yhteistyö poliisi koulutus ennaltaehkäisy lapset lapsi "
    "pakkotyö kerjääminen edustaja asunto paluu tarkastus työnantaja rekrytointi "
    "rikosprosessi korvaus oikeusapu neuvonta kampanja tulkki indikaattorit koordinaattori ohjeet "
    "käytäntö arviointi verkosto kausityö maatalous rakentaminen siivous",
    "pl": "handel ludźmi ofiara ofiary praca przymusowa wyzysk gmina pracownik socjalny schronisko pomoc "
    "identyfikacja skierowanie współpraca policja szkolenie profilaktyka dzieci dziecko żebractwo "
    "opiekun mieszkanie powrót inspekcja pracodawca rekrutacja agencja ściganie odszkodowanie pomoc "
    "prawna infolinia kampania tłumacz wskaźniki mechanizm koordynator wytyczne praktyka ocena sieć "
    "sezonowa rolnictwo budownictwo sprzątanie rybołówstwo małżeństwo",
    "et": "inimkaubandus ohver ohvrid tööalane ärakasutamine omavalitsus sotsiaaltöötaja varjupaik abi "
    "tuvastamine suunamine koostöö politsei koolitus ennetus lapsed laps sunnitöö kerjamine eestkostja "
    "eluase tagasipöördumine inspektsioon tööandja värbamine agentuur süüdistus hüvitis õigusabi "
    "nõuandeliin teavitus kampaania tõlk indikaatorid koordinaator juhised praktika hindamine võrgustik",
    "da": "menneskehandel offer ofre tvangsarbejde udnyttelse kommune socialrådgiver krisecenter støtte "
    "identifikation henvisning samarbejde politi uddannelse forebyggelse børn barn tiggeri værge bolig "
    "tilbagevenden tilsyn arbejdsgiver rekruttering vikarbureau retsforfølgning erstatning retshjælp "
    "rådgivning kampagne tolk indikatorer koordinator retningslinjer praksis evaluering netværk",
}
LANGUAGE_WEIGHTS = {
    "en": 30,
    "lv": 12,
    "lt": 12,
    "ru": 10,
    "de": 8,
    "sv": 7,
    "fi": 6,
    "pl": 6,
    "et": 5,
    "da": 4,
}
COUNTRIES = ("LV", "LT", "EE", "PL", "DE", "DK", "SE", "FI", "NO", "IS", "")
THEMES = (
    "legislation",
    "action_plans",
    "municipal_role",
    "training",
    "awareness",
    "identification",
    "assistance",
    "referral",
    "children",
    "labour",
    "prosecution",
    "compensation",
    "return",
    "data",
    "prevention",
)
FORMS = (
    "ForcedLabour",
    "SexualExploitation",
    "ChildLabour",
    "ForcedMarriage",
    "Servitude",
    "ForcedBegging",
    "ForcedCriminality",
)
STAGES = ("identification", "screening", "reflection", "assistance", "return_reintegration", "follow_up")
SECTORS = ("social_services", "police", "labour_inspection", "health", "education", "ngo", "municipal")
PRACTICE_TYPES = ("programme", "service", "tool", "campaign", "training")
EVENT_TYPES = ("conference", "panel", "round_table", "training", "workshop")
TYPOS = 0.1  # share of queries with a letter dropped


def _vocab(language: str) -> list[str]:
    return WORDS[language].split()


def _pick(rng: random.Random, words: list[str]) -> str:
    # Skewed: the first words of a list are far more frequent than the last (roughly Zipf).
    return words[min(len(words) - 1, int(rng.paretovariate(1.2)) - 1 + rng.randrange(3))]


def _text(rng: random.Random, words: list[str], low: int, high: int) -> str:
    return " ".join(
        _pick(rng, words) if rng.random() < 0.7 else rng.choice(words) for _ in range(rng.randint(low, high))
    )


def _sample(rng: random.Random, values: tuple[str, ...], most: int) -> list[str]:
    return rng.sample(values, rng.randint(0, most))


def synthetic_rows(practices: int, events: int, seed: int) -> Any:
    rng = random.Random(seed)
    languages = list(LANGUAGE_WEIGHTS)
    weights = list(LANGUAGE_WEIGHTS.values())
    for n in range(practices + events):
        practice = n < practices
        language = rng.choices(languages, weights)[0]
        words = _vocab(language)
        title = _text(rng, words, 4, 9).capitalize()
        body = _text(rng, words, 40, 160) + "."
        yield (
            "practice" if practice else "event",
            f"{KEY_PREFIX}{n}",
            language,
            title,
            body,
            f"/{'practices' if practice else 'events'}/{KEY_PREFIX}{n}/",
            rng.random() < 0.5,
            rng.choice(COUNTRIES),
            rng.randint(2005, 2026),
            rng.choice(PRACTICE_TYPES if practice else EVENT_TYPES),
            _sample(rng, THEMES, 3),
            _sample(rng, FORMS, 2),
            _sample(rng, STAGES, 2),
            _sample(rng, SECTORS, 2),
        )


def load(practices: int, events: int, seed: int) -> None:
    """Replace the benchmark's rows of the index with fresh synthetic ones (COPY), then ANALYZE."""
    from django.db import connection

    from strom.hub.index import config_for, forget_search_results

    columns = (
        "kind",
        "key",
        "language",
        "config",
        "title",
        "body",
        "url",
        "public",
        "country",
        "year",
        "type",
        "themes",
        "forms",
        "stages",
        "sectors",
    )
    configs = {language: config_for(language) for language in WORDS}  # asked before COPY holds the connection
    began = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM hub_searchentry WHERE key LIKE %s", [KEY_PREFIX + "%"])
        with cursor.copy(f"COPY hub_searchentry ({', '.join(columns)}) FROM STDIN") as copy:
            for row in synthetic_rows(practices, events, seed):
                copy.write_row((*row[:3], configs[row[2]], *row[3:]))
        cursor.execute("VACUUM (ANALYZE) hub_searchentry")
    forget_search_results()  # pages kept from an earlier run are not these rows' results
    print(
        f"loaded {practices:,} practices and {events:,} events in {time.monotonic() - began:.1f} s",
        flush=True,
    )


# --- the bare view, served beside STROM by the same gunicorn (`hub_search:application`) ---------------

BARE_PATH = "/bench/hub-bare/"
FIELDS = ("kind", "key", "title", "url", "language", "country", "year", "type", "themes", "public")


def _bare_view(request: Any) -> Any:
    """As many rows of the index as a search page, at a random offset, with no search: what the search
    costs over reading a page of the same table through Django, with the same session."""
    from django.http import JsonResponse

    from strom.hub.models import SearchEntry

    if not request.user.is_authenticated:
        return JsonResponse({}, status=403)
    offset = random.randrange(1000)
    rows = list(SearchEntry.objects.order_by("-id").values(*FIELDS)[offset : offset + PAGE])
    return JsonResponse({"results": rows})


# STROM plus the bare view, as gunicorn serves `hub_search:application`.
application = strom_with(lambda: [(BARE_PATH.strip("/") + "/", _bare_view)])


def start_server(
    host: str, port: int, workers: int, threads: int, cache_seconds: int | None = None
) -> subprocess.Popen[bytes]:
    from strom.cli import process_model

    # `strom run`'s gunicorn options (bench/run_bench.py), with this module's application.
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "hub_search:application",
        f"--pythonpath={BENCH_DIR}",
        f"--bind={host}:{port}",
        *process_model(workers, threads),
        "--timeout=60",
        "--no-control-socket",
        "--log-level=warning",
    ]
    # One member sends every request: the API's per-user budget (STROM_API_RATE_LIMIT) would answer 429.
    env = {**os.environ, "STROM_API_RATE_LIMIT": "1000000/minute"}
    if cache_seconds is not None:
        env["STROM_HUB_SEARCH_CACHE_SECONDS"] = str(cache_seconds)
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env)  # noqa: S603 - our own interpreter and arguments
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before it listened")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start listening within 60 s")


# --- a logged-in member ----------------------------------------------------------------------------------


def member_session() -> str:
    """A session for a synthetic member of a synthetic organisation, written as the login and TOTP views
    write it (bench/run_bench.py does the same for case workers)."""
    from django.contrib.auth import login
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from strom.accounts.models import Membership, User
    from strom.accounts.session import session_started
    from strom.core.roles import OrgType, Role
    from strom.directory.models import Organisation

    org, _new = Organisation.objects.get_or_create(
        name="Hub benchmark organisation", country="LV", defaults={"org_type": OrgType.NGO}
    )
    user = User.objects.filter(email="hub-bench@bench.example").first()
    if user is None:
        user = User.objects.create_user("hub-bench@bench.example", None, full_name="Hub Benchmark")
    Membership.objects.get_or_create(user=user, organisation=org, defaults={"role": Role.CASE_WORKER})
    device, _new = TOTPDevice.objects.get_or_create(user=user, name="Benchmark", defaults={"confirmed": True})
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = user
    login(request, user, backend="strom.accounts.backends.ModelBackend")
    otp_login(request, device)
    session_started(request, second_factor=True)
    request.session.save()
    return request.session.session_key or ""


# --- the clients -----------------------------------------------------------------------------------------


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def search_path(rng: random.Random) -> str:
    """A search as people type them: one to three words of one language, sometimes without diacritics or
    with a letter missing, sometimes with a filter or only filters, sometimes the second page."""
    params: dict[str, Any] = {}
    if rng.random() < 0.95:
        language = rng.choices(list(LANGUAGE_WEIGHTS), list(LANGUAGE_WEIGHTS.values()))[0]
        words = [rng.choice(_vocab(language)) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        if rng.random() < 0.3:
            words = [_plain(w) for w in words]
        if rng.random() < TYPOS:
            i = rng.randrange(len(words))
            if len(words[i]) > 5:
                cut = rng.randrange(1, len(words[i]) - 1)
                words[i] = words[i][:cut] + words[i][cut + 1 :]
        params["q"] = " ".join(words).lower()
    if rng.random() < 0.25 or "q" not in params:
        name, value = rng.choice(
            (
                ("country", rng.choice(COUNTRIES[:-1])),
                ("year", rng.randint(2005, 2026)),
                ("theme", rng.choice(THEMES)),
                ("kind", rng.choice(("practice", "event"))),
                ("form", rng.choice(FORMS)),
                ("sector", rng.choice(SECTORS)),
            )
        )
        params[name] = value
    if rng.random() < 0.1:
        params["page"] = 2
    return "/api/v1/hub/search?" + urlencode(params)


def measure(name: str, lines: list[str], options: argparse.Namespace, seed: int) -> dict[str, float]:
    """wrk over `lines` ("<cookie> <path>", one drawn at random per request), after a warm-up."""
    from pages_bench import run_wrk

    run_wrk(lines, argparse.Namespace(**{**vars(options), "duration": options.warmup}), seed)
    load = os.getloadavg()[0]
    row = run_wrk(lines, options, seed)
    print(
        f"{name:<8}{row['rps']:>9.1f}{row['errors']:>8.0f}{row['p50']:>9.1f}{row['p95']:>9.1f}"
        f"{row['p99']:>9.1f}   load before {load:.1f}",
        flush=True,
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--no-load", action="store_true", help="keep the rows a previous run loaded")
    parser.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections")
    parser.add_argument("--duration", type=int, default=60, help="measured seconds of each endpoint")
    parser.add_argument("--warmup", type=int, default=10, help="seconds not counted before each")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (as `strom run`: 4)")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (as `strom run`: 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--searches", type=int, default=100_000, help="distinct search requests wrk draws from"
    )
    parser.add_argument("--wrk-threads", type=int, default=2)
    options = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings

    if settings.STROM_ENV == "production":
        raise SystemExit("The benchmark never runs against production.")
    if not options.no_load:
        load(options.practices, options.events, options.seed)
    cookie = member_session()
    from run_bench import stop_server

    rng = random.Random(options.seed)
    # Far more distinct searches than a run sends, drawn at random: a search is rarely typed twice.
    search_lines = [f"{cookie} {search_path(rng)}" for _ in range(options.searches)]
    bare_lines = [f"{cookie} {BARE_PATH}"]
    print(
        f"wrk, {options.connections} connections back to back, {options.warmup:.0f} s warm-up and "
        f"{options.duration:.0f} s measured each; {options.workers} workers x {options.threads} threads, "
        f"{os.cpu_count()} CPUs; the cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )
    print(f"{'':<8}{'req/s':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    # As deployed (pages of results kept until the index changes) beside the bare view, then with every
    # search computed.
    rows = {}
    for name, seconds in (("search", None), ("cold", 0)):
        server = start_server("127.0.0.1", options.port, options.workers, options.threads, seconds)
        try:
            rows[name] = measure(name, search_lines, options, options.seed)
            if name == "search":
                rows["bare"] = measure("bare", bare_lines, options, options.seed)
        finally:
            stop_server(server)
    for name in ("search", "cold"):
        print(
            f"{name} / bare: {rows[name]['rps'] / rows['bare']['rps']:.2f} x the requests per second, "
            f"{rows[name]['p95'] / rows['bare']['p95']:.2f} x the p95 latency"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

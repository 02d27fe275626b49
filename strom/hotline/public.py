"""What the public front door needs besides its pages: text checks, the rate limit, the hotline of a
country and its numbers, and the self-check's questions.

No address is ever stored. The rate limit counts a hash of the address salted with a random value
that lives in the cache for one day (a new salt each UTC day), so yesterday's counts cannot be linked
to today's, and nothing on disk can be turned back into an address.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from strom.core.roles import OrgType
from strom.directory.models import Organisation
from strom.hotline.models import PublicRecipient
from strom.network.models import NetworkService

if TYPE_CHECKING:
    from strom.hotline.models import RightsPage

# Invisible characters that can hide or reorder text on an operator's screen: removed, not refused.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]|javascript:", re.IGNORECASE)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_STACKED_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{4,}")
MAX_LINKS = 2


def clean_public_text(value: str, *, limit: int) -> str:
    """Plain text in any script, or a ValidationError saying what to change, in the visitor's language.

    Refused: text longer than `limit`, HTML tags and scripts, characters that could not be read
    (a wrong encoding arrives as U+FFFD), control characters, more than MAX_LINKS links and letters
    buried under stacked accents. Removed: invisible characters that reorder or hide text.
    """
    text = unicodedata.normalize("NFC", value).translate(_INVISIBLE).strip()
    if len(text) > limit:
        raise ValidationError(
            ngettext(
                "Please shorten your text to %(max)d character (it has %(count)d).",
                "Please shorten your text to %(max)d characters (it has %(count)d).",
                limit,
            )
            % {"max": limit, "count": len(text)}
        )
    if "\ufffd" in text:
        raise ValidationError(
            _("Some characters could not be read. Please type the text again with your keyboard's letters.")
        )
    if any(unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") and c not in _ALLOWED_CONTROLS for c in text):
        raise ValidationError(_("The text contains invisible control characters. Please type it again."))
    if _TAG.search(text):
        raise ValidationError(_("Please write plain text: HTML tags and scripts are not accepted."))
    if len(_LINK.findall(text)) > MAX_LINKS:
        raise ValidationError(
            ngettext(
                "Please include at most %(max)d link.", "Please include at most %(max)d links.", MAX_LINKS
            )
            % {"max": MAX_LINKS}
        )
    if _STACKED_MARKS.search(text):
        raise ValidationError(_("The text has too many accents on one letter. Please type it again."))
    return text


# --- the rate limit --------------------------------------------------------------------------------------


# The day's salt, once read, is kept in the process until the day changes: each submission used to
# write it to the cache again (with the database cache a count of the table, a read and an insert).
_SALT: dict[str, str] = {}


def _salt() -> str:
    day = timezone.now().date().isoformat()
    salt = _SALT.get(day)
    if salt is None:
        key = f"hotline:salt:{day}"
        salt = cache.get(key)
        if salt is None:
            cache.add(key, secrets.token_hex(16), 2 * 86400)
            salt = cache.get(key)
        if not salt:
            return secrets.token_hex(16)  # the cache kept nothing: nothing to link either
        _SALT.clear()
        _SALT[day] = salt = str(salt)
    return salt


def address_hash(ip: str | None) -> str:
    """A salted hash of the visitor's address: equal for one address on one day, unlinkable after."""
    return hashlib.sha256(f"{_salt()}:{ip or '-'}".encode()).hexdigest()[:32]


def _count(key: str) -> int:
    """Add one to the key's count for the hour and return it. The database cache increments by reading
    and writing back, which loses counts under concurrent submissions (a test run let 941 through a
    limit of 600), so one transaction-scoped advisory lock per key makes the increments take turns."""
    if not isinstance(caches["default"], DatabaseCache):  # Redis counts atomically by itself
        return _increment(key)
    lock_id = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
        return _increment(key)


# A count is kept an hour (its key names the hour) and a minute more.
COUNT_SECONDS = 3600 + 60


def _increment(key: str) -> int:
    if isinstance(caches["default"], RedisCache):
        # Atomic, and Redis keeps the key's expiry: one round trip for a key the hour has seen.
        try:
            return int(cache.incr(key))
        except ValueError:  # the first this hour
            if cache.add(key, 1, COUNT_SECONDS):
                return 1
            return int(cache.incr(key))  # another worker started it meanwhile
    # Elsewhere Django's incr() writes the value back with the cache's default timeout (five minutes),
    # so an address that paused five minutes started its hour again: written back with the hour's.
    # One read and one write; the database cache's advisory lock (_count) makes them take turns.
    count = int(cache.get(key) or 0) + 1
    cache.set(key, count, COUNT_SECONDS)
    return count


def submission_allowed(ip: str | None) -> bool:
    """Count one submission of this address in the current hour; False once either limit is reached.

    A refused address does not use up the shared allowance, so one flooding address cannot close the
    form for everyone else."""
    hour = timezone.now().strftime("%Y%m%d%H")
    if _count(f"hotline:rl:{hour}:{address_hash(ip)}") > settings.STROM_HOTLINE_PUBLIC_LIMIT:
        return False
    return _count(f"hotline:rl:{hour}:all") <= settings.STROM_HOTLINE_PUBLIC_GLOBAL_LIMIT


# --- the country's hotline -------------------------------------------------------------------------------


def active_hotlines(country: str) -> QuerySet[Organisation]:
    return Organisation.objects.filter(org_type=OrgType.HOTLINE, country=country.upper(), is_active=True)


def hotline_of(country: str) -> Organisation | None:
    """The hotline whose queue receives the country's public submissions: the one the country's
    coordinators chose (PublicRecipient) while it is active, else the country's first active hotline.
    One query: the chosen one sorts first."""
    chosen = PublicRecipient.objects.filter(organisation_id=OuterRef("pk"), country=country.upper())
    return active_hotlines(country).annotate(chosen=Exists(chosen)).order_by("-chosen", "pk").first()


def public_countries() -> list[str]:
    return sorted(
        set(
            Organisation.objects.filter(org_type=OrgType.HOTLINE, is_active=True).values_list(
                "country", flat=True
            )
        )
    )


def hotline_numbers(country: str) -> list[NetworkService]:
    """The network entries of the country's hotlines: what the public page shows as numbers and hours."""
    return list(
        NetworkService.objects.filter(
            Q(organisation__org_type=OrgType.HOTLINE)
            & Q(organisation__country=country.upper(), organisation__is_active=True, is_active=True)
        ).order_by("name")
    )


# --- the know-your-rights page -----------------------------------------------------------------------


def rights_language(page: RightsPage, lang: str) -> str:
    """The language a visitor of `lang` reads the page in: theirs where the page has it, else English,
    else the page's original language (the page then says so)."""
    written = {row.language_code for row in page.translations.all()}
    return next((code for code in (lang, "en", page.original_language) if code in written), lang)


# --- the self-check --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    id: str
    text: Promise
    strong: bool  # a strong indicator of forced labour or trafficking (ILO 2009)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "promised",
        gettext_lazy("Was the job, the pay or the place different from what you were promised?"),
        False,
    ),
    Question(
        "debt", gettext_lazy("Do you owe money to your employer or recruiter that you cannot pay back?"), True
    ),
    Question("documents", gettext_lazy("Does someone else keep your passport or identity card?"), True),
    Question("leave", gettext_lazy("Are you stopped from leaving your workplace or where you live?"), True),
    Question("threats", gettext_lazy("Are you or your family threatened or hurt?"), True),
    Question("pay", gettext_lazy("Are you paid much less than agreed, or not at all?"), False),
    Question("hours", gettext_lazy("Do you work very long hours without days off?"), False),
    Question(
        "forced", gettext_lazy("Are you made to do things you did not agree to, including sexual acts?"), True
    ),
    Question("child", gettext_lazy("Are you under 18?"), False),
)
QUESTION_IDS = frozenset(q.id for q in QUESTIONS)


def selfcheck_level(answers: set[str]) -> str:
    """ "signs": a strong indicator or three others; "rights": something to ask about; "none"."""
    chosen = [q for q in QUESTIONS if q.id in answers]
    if any(q.strong for q in chosen) or len(chosen) >= 3:
        return "signs"
    return "rights" if chosen else "none"

"""The guidelines' GET routes and whether they show personal data (tests/test_audited_reads.py)."""

from __future__ import annotations

_GUIDELINE = "a guideline's texts for municipalities: no person's data, no author stored"
_PROFILE = "a country's legal framework summary: reference text"
NO_PERSONAL_DATA: dict[str, str] = {
    "guidelines:list": _GUIDELINE,
    "guidelines:create": "an empty guideline form",
    "guidelines:profile_edit": _PROFILE,
    "guidelines:detail": _GUIDELINE,
    "guidelines:print": _GUIDELINE,
    "guidelines:versions": _GUIDELINE,
    "guidelines:edit": _GUIDELINE,
    "guidelines:draft": _GUIDELINE,
    "guidelines:translate": _GUIDELINE,
    "api:guidelines_list": _GUIDELINE,
    "api:guidelines_profile": _PROFILE,
    "api:guidelines_detail": _GUIDELINE,
    "api:guidelines_versions": _GUIDELINE,
    "api:guidelines_version": _GUIDELINE,
    "api:guidelines_changes": _GUIDELINE,
}

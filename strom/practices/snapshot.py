"""A practice as one plain dictionary: what a publication freezes, what readers read, what changed.

The same dictionary is made from the working copy (`snapshot(practice)`) and stored in a version, so
the detail page shows either through one template, and two versions are compared key by key. Values
are codes and ids, never labels (those follow the reader's language: `present`). Contacts are
personal data and are never frozen.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from strom.cases.choices import Exploitation, Stage
from strom.core.countries import countries
from strom.core.languages import region_language_name
from strom.core.vocabulary import Sector, Theme
from strom.pathways.models import PathwayStage
from strom.practices.models import TEXT_FIELDS, EvidenceLevel, Practice, TargetGroup, Visibility
from strom.practices.scale import CRITERIA

# The fields a reader sees, in the order the versions page names them when they change.
FIELD_LABELS: dict[str, Any] = {
    "title": _("Title"),
    "summary": _("Summary"),
    "problem": _("Problem addressed"),
    "what_was_done": _("What was done"),
    "results": _("Results and evidence"),
    "country": _("Country"),
    "municipality": _("Municipality"),
    "region": _("Region"),
    "organisation": _("Kept by"),
    "organisations": _("Organisations involved"),
    "target_groups": _("Target groups"),
    "forms": _("Forms of exploitation"),
    "stages": _("Stages of the chain of assistance"),
    "sectors": _("Sectors"),
    "themes": _("Themes"),
    "pathway_steps": _("Referral pathway steps"),
    "period": _("Period"),
    "cost": _("Cost"),
    "languages": _("Languages of the record"),
    "visibility": _("Who may read it"),
    "links": _("Links"),
    "rating": _("Evidence rating"),
    "translations": _("Translations"),
}


def _rating(practice: Practice) -> dict[str, Any]:
    rating = getattr(practice, "rating", None)
    if rating is None:
        return {}
    data: dict[str, Any] = {"level": rating.level}
    for criterion in CRITERIA:
        data[criterion.key] = getattr(rating, criterion.key)
        data[f"{criterion.key}_note"] = getattr(rating, f"{criterion.key}_note")
    return data


def _texts(practice: Practice) -> dict[str, dict[str, str]]:
    """language → the practice's texts in it (parler's translation rows)."""
    return {
        row.language_code: {name: getattr(row, name) for name in TEXT_FIELDS}
        for row in practice.translations.order_by("language_code")
    }


def snapshot(practice: Practice) -> dict[str, Any]:
    """The texts of the original language at the top (as versions have always held them), every other
    language's under "translations"."""
    steps = practice.pathway_steps.select_related("pathway__municipality").order_by("pk")
    texts = _texts(practice)
    original = practice.original_language
    base = texts.get(original) or next(iter(texts.values()), dict.fromkeys(TEXT_FIELDS, ""))
    return {
        **base,
        "original_language": original,
        "translations": {language: t for language, t in texts.items() if language != original},
        "country": practice.country,
        "municipality": (
            {"id": practice.municipality_id, "name": practice.municipality.name}
            if practice.municipality
            else None
        ),
        "region": practice.region,
        "organisation": {"id": practice.organisation_id, "name": practice.organisation.name},
        "organisations": [
            {"id": org.pk, "name": org.name} for org in practice.organisations.order_by("name", "pk")
        ],
        "target_groups": list(practice.target_groups),
        "forms": list(practice.forms),
        "stages": list(practice.stages),
        "sectors": list(practice.sectors),
        "themes": list(practice.themes),
        "pathway_steps": [
            {"id": step.pk, "municipality": step.pathway.municipality.name, "stage": step.stage}
            for step in steps
        ],
        "period": [practice.start_year, practice.end_year],
        "cost": [str(practice.cost_eur) if practice.cost_eur is not None else None, practice.cost_note],
        "languages": list(practice.languages),
        "visibility": practice.visibility,
        "links": [{"title": link.title, "url": link.url} for link in practice.links.all()],
        "rating": _rating(practice),
    }


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any]) -> list[str]:
    """The keys whose values differ, in FIELD_LABELS' order; every key for a first version."""
    if before is None:
        return []
    return [key for key in FIELD_LABELS if before.get(key) != after.get(key)]


def _labels(values: list[str], choices: Any) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(value, value)) for value in values]


def text_language(data: dict[str, Any], language: str | None = None) -> str:
    """The language a reader of `language` reads the texts in: their own where the record has it, else
    English, else the record's original language (the page then says so)."""
    original = data.get("original_language") or "en"
    available = {original, *(data.get("translations") or {})}
    wanted = (language or get_language() or "en").split("-")[0]
    return next(code for code in (wanted, "en", original) if code in available)


def in_language(data: dict[str, Any], language: str) -> dict[str, str]:
    if language == (data.get("original_language") or "en"):
        return {name: data.get(name) or "" for name in TEXT_FIELDS}
    return dict(data["translations"][language])


def present(data: dict[str, Any]) -> dict[str, Any]:
    """The dictionary with labels in the reader's language beside the codes, and the texts in the
    reader's language where the record has them, for the templates."""
    reader = (get_language() or "en").split("-")[0]
    shown_language = text_language(data, reader)
    period = data.get("period") or [None, None]
    cost = data.get("cost") or [None, ""]
    rating = data.get("rating") or {}
    stage_labels = dict(PathwayStage.choices)
    return {
        **data,
        **in_language(data, shown_language),
        "text_language": shown_language,
        "text_language_name": region_language_name(shown_language),
        "text_in_other_language": shown_language != reader,
        "country_name": countries().get(data.get("country", ""), data.get("country", "")),
        "target_group_labels": _labels(data.get("target_groups", []), TargetGroup),
        "form_labels": _labels(data.get("forms", []), Exploitation),
        "stage_labels": _labels(data.get("stages", []), Stage),
        "sector_labels": _labels(data.get("sectors", []), Sector),
        "theme_labels": _labels(data.get("themes", []), Theme),
        "step_labels": [
            f"{step['municipality']}: {stage_labels.get(step['stage'], step['stage'])}"
            for step in data.get("pathway_steps", [])
        ],
        "start_year": period[0],
        "end_year": period[1],
        "cost_eur": cost[0],
        "cost_note": cost[1],
        "visibility_label": dict(Visibility.choices).get(data.get("visibility", ""), ""),
        "level": rating.get("level", ""),
        "level_label": dict(EvidenceLevel.choices).get(rating.get("level", ""), ""),
        "criteria": [
            {
                "label": criterion.label,
                "score": rating.get(criterion.key),
                "note": rating.get(f"{criterion.key}_note", ""),
            }
            for criterion in CRITERIA
        ],
    }


def _joined(values: list[str]) -> str:
    return ", ".join(values)


def field_text(shown: dict[str, Any], key: str) -> str:
    """One field of a presented record (`present`) as plain text, for "what changed"."""
    municipality = shown.get("municipality") or {}
    period = (shown.get("start_year"), shown.get("end_year"))
    texts: dict[str, Any] = {
        "country": lambda: shown["country_name"],
        "municipality": lambda: municipality.get("name", ""),
        "organisation": lambda: (shown.get("organisation") or {}).get("name", ""),
        "organisations": lambda: _joined([o["name"] for o in shown.get("organisations", [])]),
        "target_groups": lambda: _joined(shown["target_group_labels"]),
        "forms": lambda: _joined(shown["form_labels"]),
        "stages": lambda: _joined(shown["stage_labels"]),
        "sectors": lambda: _joined(shown["sector_labels"]),
        "themes": lambda: _joined(shown["theme_labels"]),
        "pathway_steps": lambda: "; ".join(shown["step_labels"]),
        "period": lambda: "\u2013".join(str(year) for year in period if year) if period[0] else "",
        "cost": lambda: " ".join(
            str(part) for part in (shown.get("cost_eur"), shown.get("cost_note")) if part
        ),
        "languages": lambda: _joined(shown.get("languages", [])),
        "visibility": lambda: str(shown["visibility_label"]),
        "links": lambda: _joined([link["title"] for link in shown.get("links", [])]),
        "translations": lambda: _joined(
            [region_language_name(code) for code in sorted(shown.get("translations") or {})]
        ),
        "rating": lambda: (
            f"{shown['level_label']} ("
            + ", ".join(f"{c['label']} {c['score']}" for c in shown["criteria"])
            + ")"
        ),
    }
    if key in texts:
        return str(texts[key]())
    return str(shown.get(key) or "")


def changes(before: dict[str, Any], after: dict[str, Any], keys: list[str]) -> list[dict[str, Any]]:
    """For each changed key: its label, and the text before and after."""
    shown_before, shown_after = present(before), present(after)
    return [
        {
            "label": FIELD_LABELS.get(key, key),
            "before": field_text(shown_before, key),
            "after": field_text(shown_after, key),
        }
        for key in keys
    ]

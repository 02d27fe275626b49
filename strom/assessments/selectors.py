"""Reads for baseline assessments: the comparison of a round's submitted answers, question by question,
per country and per municipality, and against an earlier round of the same form.

Answers are compared by question name and choice name, so answers given in Latvian and in Polish
count together; labels are shown in the reader's language.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from strom.assessments.models import Response, ResponseStatus, Round
from strom.core.countries import country_name
from strom.stats import charts

if TYPE_CHECKING:
    from strom.accounts.models import User
    from strom.assessments.survey import Survey


@dataclass
class Place:
    """A country or a municipality: the responses from there and their answers to one question."""

    key: str
    name: str
    values: list[str] = field(default_factory=list)  # one per answer (a repeat gives several)
    responses: int = 0


@dataclass
class ChoiceRow:
    name: str
    label: str
    counts: list[int]  # one per place, in the order of Comparison.places
    shares: list[float | None]
    total: int = 0
    earlier: float | None = None  # the share in the round compared with

    @property
    def cells(self) -> list[tuple[int, float | None]]:
        return list(zip(self.counts, self.shares, strict=True))


@dataclass
class NumberRow:
    place: str
    count: int
    minimum: Decimal | None
    median: Decimal | None
    mean: Decimal | None
    maximum: Decimal | None


@dataclass
class QuestionResult:
    name: str
    label: str
    type: str
    path: str
    answered: int
    choices: list[ChoiceRow] = field(default_factory=list)
    numbers: list[NumberRow] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)  # (who, text)
    chart: charts.Chart | None = None
    earlier_mean: Decimal | None = None  # the mean in the round compared with


@dataclass
class Comparison:
    round: Round
    by: str  # "country" or "municipality"
    places: list[Place]
    questions: list[QuestionResult]
    tiles: charts.Chart
    submitted: int
    expected: int
    against: Round | None = None


def submitted(user: User, round_: Round) -> list[Response]:
    return list(
        Response.objects.visible_to(user)
        .filter(round=round_, status=ResponseStatus.SUBMITTED)
        .select_related("organisation", "organisation__municipality")
        .order_by("organisation__country", "organisation__name", "pk")
    )


def _place(response: Response, by: str) -> tuple[str, str]:
    organisation = response.organisation
    if by == "municipality":
        municipality = organisation.municipality
        name = municipality.name if municipality else organisation.name
        return f"{organisation.country}:{name}", f"{name} ({organisation.country})"
    return organisation.country, country_name(organisation.country)


def _values(survey: Survey, response: Response, node: dict[str, Any]) -> list[str]:
    if node["repeat"]:
        items = response.answers.get(str(node["repeat"])) or []
        return [str(i.get(node["name"])) for i in items if i.get(node["name"])]
    value = response.answers.get(str(node["name"]))
    return [str(value)] if value else []


def _number(text: str) -> Decimal | None:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _numbers(place: str, values: list[str]) -> NumberRow:
    numbers = [n for n in (_number(v) for v in values) if n is not None]
    if not numbers:
        return NumberRow(place, 0, None, None, None, None)
    mean = (sum(numbers, Decimal(0)) / len(numbers)).quantize(Decimal("0.1"))
    return NumberRow(
        place, len(numbers), min(numbers), Decimal(statistics.median(numbers)), mean, max(numbers)
    )


def _choices(survey: Survey, node: dict[str, Any], places: list[Place], language: str) -> list[ChoiceRow]:
    rows = []
    for choice in survey.choice_list(node):
        counts = [sum(1 for v in p.values if choice["name"] in v.split()) for p in places]
        shares = [
            round(100 * c / len(p.values), 1) if p.values else None
            for c, p in zip(counts, places, strict=True)
        ]
        rows.append(
            ChoiceRow(
                choice["name"],
                survey.text(choice["label"], language) or choice["name"],
                counts,
                shares,
                sum(counts),
            )
        )
    return rows


def _question(
    survey: Survey, node: dict[str, Any], responses: list[Response], by: str, language: str
) -> QuestionResult:
    places: dict[str, Place] = {}
    texts: list[tuple[str, str]] = []
    for response in responses:
        key, name = _place(response, by)
        place = places.setdefault(key, Place(key, name))
        place.responses += 1
        values = _values(survey, response, node)
        place.values.extend(values)
        if node["type"] in {"text", "date"}:
            texts.extend(
                (f"{response.organisation.name} ({response.organisation.country})", v) for v in values
            )
    ordered = list(places.values())
    result = QuestionResult(
        name=node["name"],
        label=survey.label(node, language),
        type=node["type"],
        path=node["path"],
        answered=sum(len(p.values) for p in ordered),
        texts=texts,
    )
    if node["type"] in {"select_one", "select_multiple"}:
        result.choices = _choices(survey, node, ordered, language)
        result.chart = charts.bars([(row.label, row.total) for row in result.choices])
    elif node["type"] in {"integer", "decimal"}:
        result.numbers = [_numbers(p.name, p.values) for p in ordered]
    return result


def compare(user: User, round_: Round, *, by: str, language: str, against: Round | None = None) -> Comparison:
    """The round's submitted answers side by side; `against`: an earlier round of the same form."""
    survey = round_.questionnaire.survey()
    form_language = survey.language_for(language)
    responses = submitted(user, round_)
    places: dict[str, Place] = {}
    for response in responses:
        key, name = _place(response, by)
        places.setdefault(key, Place(key, name)).responses += 1
    questions = [
        _question(survey, node, responses, by, form_language)
        for node in survey.questions()
        if node["type"] != "note"
    ]
    if against is not None:
        _add_earlier(user, questions, against, form_language)
    per_country: dict[str, int] = {}
    for response in responses:
        per_country[response.organisation.country] = per_country.get(response.organisation.country, 0) + 1
    tiles = charts.tiles([(code, per_country.get(code, 0)) for code in round_.countries])
    return Comparison(
        round=round_,
        by=by,
        places=list(places.values()),
        questions=questions,
        tiles=tiles,
        submitted=len(responses),
        expected=round_.responses.count(),
        against=against,
    )


def _add_earlier(user: User, questions: list[QuestionResult], against: Round, language: str) -> None:
    """For each question the earlier round also asked (same name): its shares of each choice and its mean."""
    survey = against.questionnaire.survey()
    responses = submitted(user, against)
    for result in questions:
        node = survey.nodes.get(result.name)
        if node is None or node["kind"] != "question":
            continue
        earlier = _question(survey, node, responses, "all", language)
        values = [v for r in responses for v in _values(survey, r, node)]
        totals = {row.name: row.total for row in earlier.choices}
        for row in result.choices:
            if row.name in totals and values:
                row.earlier = round(100 * totals[row.name] / len(values), 1)
        if result.numbers:
            result.earlier_mean = _numbers("", values).mean


def comparable_rounds(round_: Round) -> list[Round]:
    """Other rounds of the same form (any version), to compare with."""
    return list(
        Round.objects.filter(questionnaire__form_id=round_.questionnaire.form_id)
        .exclude(pk=round_.pk)
        .select_related("questionnaire")
        .order_by("-opened_at")
    )

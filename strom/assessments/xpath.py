"""ODK XPath for a questionnaire's `relevant`, `constraint`, `required` and `choice_filter` columns.

The expressions are XPath 1.0 with ODK's functions (https://getodk.github.io/xforms-spec/). They are
evaluated by elementpath's XPath 1.0 parser, extended with the ODK functions questionnaires use, over
an XML instance of the answers shaped like the form (`instance.py` builds it): the same document an
ODK client evaluates against, so an expression means here what it meant to its author in
KoboToolbox. `${name}` references are rewritten to paths the way pyxform does: relative inside the
same repeat instance, absolute otherwise.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from elementpath import XPath1Parser, XPathContext
from elementpath.exceptions import ElementPathError
from elementpath.xpath_tokens import XPathFunction

ROOT = "data"
REFERENCE = re.compile(r"\$\{([^}]*)\}")


class ODKParser(XPath1Parser):
    """XPath 1.0 plus ODK's functions; its own symbol table, so plain XPath1Parser stays as it was."""

    symbol_table = dict(XPath1Parser.symbol_table)


_method = ODKParser.method
_function = ODKParser.function


def _text(token: XPathFunction, context: Any, index: int) -> str:
    return str(token.string_value(token.get_argument(context, index=index)))


def _number(token: XPathFunction, context: Any, index: int) -> float:
    text = _text(token, context, index).strip()
    try:
        return float(text)
    except ValueError:
        return math.nan


@_method(_function("selected", nargs=2))
def evaluate__selected(self: XPathFunction, context: Any = None) -> bool:
    """selected(${multi}, 'choice'): whether a space-separated answer holds the choice."""
    return _text(self, context, 1).strip() in _text(self, context, 0).split()


@_method(_function("count-selected", nargs=1))
def evaluate__count_selected(self: XPathFunction, context: Any = None) -> float:
    return float(len(_text(self, context, 0).split()))


@_method(_function("selected-at", nargs=2))
def evaluate__selected_at(self: XPathFunction, context: Any = None) -> str:
    chosen = _text(self, context, 0).split()
    index = _number(self, context, 1)
    return chosen[int(index)] if not math.isnan(index) and 0 <= index < len(chosen) else ""


@_method(_function("if", nargs=3))
def evaluate__if(self: XPathFunction, context: Any = None) -> Any:
    condition = self.boolean_value(self[0].evaluate(context))
    return self.get_argument(context, index=1 if condition else 2)


@_method(_function("coalesce", nargs=2))
def evaluate__coalesce(self: XPathFunction, context: Any = None) -> str:
    first = _text(self, context, 0)
    return first if first else _text(self, context, 1)


@_method(_function("regex", nargs=2))
def evaluate__regex(self: XPathFunction, context: Any = None) -> bool:
    try:
        return re.search(_text(self, context, 1), _text(self, context, 0)) is not None
    except re.error:
        return False


@_method(_function("int", nargs=1))
def evaluate__int(self: XPathFunction, context: Any = None) -> float:
    value = _number(self, context, 0)
    return value if math.isnan(value) or math.isinf(value) else float(math.trunc(value))


EPOCH = dt.date(1970, 1, 1)


def days(value: str) -> float:
    """An ISO date as ODK counts it in comparisons and arithmetic: days since 1970-01-01."""
    try:
        return float((dt.date.fromisoformat(value.strip()[:10]) - EPOCH).days)
    except ValueError:
        return math.nan


@_method(_function("today", nargs=0))
def evaluate__today(self: XPathFunction, context: Any = None) -> float:
    # A number of days, as the date answers are in the instance (strom/assessments/survey.py), so that
    # `. <= today()` and `today() - ${since}` mean what they mean in ODK.
    return days(dt.date.today().isoformat())


@_method(_function("date", nargs=1))
def evaluate__date(self: XPathFunction, context: Any = None) -> float:
    """date('2020-01-31'): the day as a number of days, comparable with date answers and today()."""
    text = _text(self, context, 0)
    try:
        return float(text)
    except ValueError:
        return days(text)


@_method(_function("boolean-from-string", nargs=1))
def evaluate__boolean_from_string(self: XPathFunction, context: Any = None) -> bool:
    return _text(self, context, 0).strip() in {"true", "1"}


ODKParser.build()
ODK_FUNCTIONS = (
    "selected",
    "count-selected",
    "selected-at",
    "if",
    "coalesce",
    "regex",
    "int",
    "today",
    "date",
)

_parser = ODKParser()


class ExpressionError(Exception):
    """An expression that is not ODK XPath, with elementpath's reason."""


def to_xpath(expression: str, resolve: Callable[[str], str]) -> str:
    """`${name}` replaced by the path `resolve(name)` gives; the rest as written."""
    return REFERENCE.sub(lambda match: resolve(match.group(1).strip()), expression)


def check(expression: str) -> None:
    """Raise ExpressionError if `expression` (with `${…}` already replaced) does not parse."""
    try:
        _parser.parse(expression)
    except (ElementPathError, ValueError, TypeError, KeyError) as exc:
        raise ExpressionError(str(exc)) from exc


def evaluate(expression: str, root: Any, item: Any) -> Any:
    """The value of `expression` with `item` (an element of the instance `root`) as the context."""
    try:
        token = _parser.parse(expression)
        return token.evaluate(XPathContext(root, item=item))
    except (ElementPathError, ValueError, TypeError, ZeroDivisionError, OverflowError) as exc:
        raise ExpressionError(str(exc)) from exc


def truth(expression: str, root: Any, item: Any) -> bool:
    """XPath's boolean() of the value, as ODK reads a relevant, constraint or required expression."""
    value = evaluate(expression, root, item)
    if isinstance(value, list):
        return bool(value)
    if isinstance(value, float):
        return not math.isnan(value) and value != 0
    if isinstance(value, str):
        return value != ""
    return bool(value)

"""Subcommands that apps above cases add to `strom person`, registered in their `AppConfig.ready()`
(record linkage adds `strom person duplicates`): cases cannot import them, they come to it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


class Output(Protocol):
    """Where a subcommand writes: the command's stdout or stderr."""

    def write(self, msg: str, /) -> Any: ...


@dataclass(frozen=True)
class PersonSubcommand:
    name: str
    help: str
    add_arguments: Callable[[Any], None]
    # Called with the parsed options, standard output and standard error; raises CommandError.
    run: Callable[[dict[str, Any], Output, Output], None]


_SUBCOMMANDS: dict[str, PersonSubcommand] = {}


def register_person_subcommand(subcommand: PersonSubcommand) -> PersonSubcommand:
    _SUBCOMMANDS[subcommand.name] = subcommand
    return subcommand


def person_subcommands() -> list[PersonSubcommand]:
    return [_SUBCOMMANDS[name] for name in sorted(_SUBCOMMANDS)]

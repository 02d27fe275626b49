"""The apps' layers (pyproject.toml `[tool.importlinter]`) hold, and the docs show them as they are.

`lint-imports` checks the contracts themselves in `make test`. These tests add what the contracts do
not say: no import cycle between apps (imports inside functions count, `if TYPE_CHECKING:` imports do
not, as in the contracts), every app stands in a layer, every `api*` and `views*` module is named by the
contract that keeps them apart, and the picture in docs/architecture.md is the one the contract gives.

Regenerate the picture after changing the layers:

    .venv/bin/python -m tests.test_layers
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "strom"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
DIAGRAM_START = "<!-- layers:start (generated from pyproject.toml: .venv/bin/python -m tests.test_layers) -->"
DIAGRAM_END = "<!-- layers:end -->"
REGENERATE = ".venv/bin/python -m tests.test_layers"


# --- the contract ------------------------------------------------------------------------------------


def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def layers() -> list[list[str]]:
    """The layers from the bottom up, each a list of the packages (under `strom`) that stand in it."""
    contract = contracts()["layers"]
    return [[name.strip() for name in layer.split("|")] for layer in reversed(contract["layers"])]


# --- app-level cycles --------------------------------------------------------------------------------


def find_cycles(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The groups of nodes that reach each other (strongly connected components of two or more nodes,
    or one node that imports itself), each sorted, found by Tarjan's algorithm without recursion."""
    graph = {node: sorted(set(targets)) for node, targets in edges.items()}
    for targets in list(graph.values()):
        for target in targets:
            graph.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = graph[node]
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    cycles.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(cycles)


def app_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else module


@cache
def import_graph() -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, exclude_type_checking_imports=True, cache_dir=None)


def path_of(module: str) -> str:
    path = Path(*module.split("."))
    return str(path.with_suffix(".py") if (ROOT / path.with_suffix(".py")).exists() else path / "__init__.py")


def app_imports(graph: grimp.ImportGraph) -> dict[str, dict[str, list[str]]]:
    """For each app, the apps it imports, each with the places (`module:line`) that import it."""
    edges: dict[str, dict[str, list[str]]] = {}
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            source, target = app_of(importer), app_of(imported)
            if source == target or PACKAGE in (source, target):
                continue
            places = edges.setdefault(source, {}).setdefault(target, [])
            for detail in graph.get_import_details(importer=importer, imported=imported):
                places.append(f"{path_of(importer)}:{detail['line_number']}")
    return edges


def describe_cycles(edges: Mapping[str, Mapping[str, list[str]]], rank: Mapping[str, int]) -> str:
    """Each cycle with the imports to break: those that point up the layers or sideways within one
    (`rank` gives an app's layer; all imports of the cycle where none does)."""
    lines = []
    for cycle in find_cycles(edges):
        lines.append(f"apps in one cycle: {', '.join(cycle)}")
        pairs = [(source, target) for source in cycle for target in cycle if target in edges.get(source, {})]
        upward = [(s, t) for s, t in pairs if s in rank and t in rank and rank[t] >= rank[s]]
        for source, target in upward or pairs:
            places = edges[source][target]
            more = f" (+{len(places) - 3} more)" if len(places) > 3 else ""
            lines.append(f"  {source} -> {target}: {', '.join(places[:3])}{more}")
    return "\n".join(lines)


def layer_rank() -> dict[str, int]:
    return {app: number for number, layer in enumerate(layers()) for app in layer}


def test_cycle_finder_finds_a_cycle_and_only_the_apps_in_it() -> None:
    edges = {"site": ["cases", "stats"], "cases": ["core", "stages"], "stages": ["cases"], "stats": ["core"]}
    assert find_cycles(edges) == [["cases", "stages"]]


def test_cycle_finder_finds_long_and_separate_cycles_and_self_imports() -> None:
    edges = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["f"], "g": []}
    assert find_cycles(edges) == [["a", "b", "c"], ["d", "e"], ["f"]]


def test_cycle_finder_passes_layers_that_point_down() -> None:
    assert find_cycles({"site": ["cases", "core"], "cases": ["core"], "core": ["crypto"]}) == []


def test_cycles_are_described_with_the_imports_that_make_them() -> None:
    edges = {
        "core": {"cases": ["strom.core.views:12"], "crypto": ["strom.core.env:3"]},
        "cases": {"core": ["strom.cases.models:3"]},
    }
    assert describe_cycles(edges, {"core": 1, "cases": 2}) == (
        "apps in one cycle: cases, core\n  core -> cases: strom.core.views:12"
    )
    assert describe_cycles(edges, {}).splitlines() == [
        "apps in one cycle: cases, core",
        "  cases -> core: strom.cases.models:3",
        "  core -> cases: strom.core.views:12",
    ]


def test_no_import_cycle_between_apps() -> None:
    description = describe_cycles(app_imports(import_graph()), layer_rank())
    assert not description, f"imports between apps run in a circle:\n{description}"


# --- every app has a layer ---------------------------------------------------------------------------


def packages_under_strom() -> list[str]:
    return sorted(path.parent.name for path in (ROOT / PACKAGE).glob("*/__init__.py"))


def undeclared(
    packages: Iterable[str], declared: Iterable[Iterable[str]], ignored: Iterable[str]
) -> list[str]:
    named = {name for layer in declared for name in layer} | set(ignored)
    return sorted(set(packages) - named)


def test_undeclared_finds_a_package_outside_the_layers() -> None:
    assert undeclared(["cases", "hub", "formats"], [["cases"], ["core"]], ["formats"]) == ["hub"]


def test_every_app_stands_in_a_layer() -> None:
    missing = undeclared(
        packages_under_strom(), layers(), contracts()["layers"].get("exhaustive_ignores", [])
    )
    assert not missing, (
        f"strom/{missing[0]} has no layer: add it to the layers contract in pyproject.toml "
        f"(docs/adding-an-app.md), then run {REGENERATE}"
    )


# --- API modules and views modules -------------------------------------------------------------------


def kind_of(module: str) -> str | None:
    """'api' or 'views' for an app's module named `api`, `api_*`, `views` or `views_*`."""
    parts = module.split(".")
    if len(parts) != 3 or parts[0] != PACKAGE:
        return None
    for kind in ("api", "views"):
        if parts[2] == kind or parts[2].startswith(f"{kind}_"):
            return kind
    return None


def named_by(module: str, expressions: Iterable[str]) -> bool:
    parts = module.split(".")
    for expression in expressions:
        pattern = expression.split(".")
        if len(pattern) == len(parts) and all(
            p in ("*", part) for p, part in zip(pattern, parts, strict=True)
        ):
            return True
    return False


def unnamed(modules: Iterable[str], contract: Mapping[str, Any]) -> list[str]:
    expressions = {"api": contract["source_modules"], "views": contract["forbidden_modules"]}
    return sorted(m for m in modules if (kind := kind_of(m)) and not named_by(m, expressions[kind]))


def test_unnamed_finds_an_api_or_views_module_the_contract_does_not_name() -> None:
    contract = {"source_modules": ["strom.*.api"], "forbidden_modules": ["strom.*.views", "strom.a.views_x"]}
    modules = [
        "strom.a.api",
        "strom.a.api_y",
        "strom.a.views",
        "strom.a.views_x",
        "strom.b.views_z",
        "strom.api",
    ]
    assert unnamed(modules, contract) == ["strom.a.api_y", "strom.b.views_z"]


def test_the_api_views_contract_names_every_api_and_views_module() -> None:
    missing = unnamed(import_graph().modules, contracts()["api-views"])
    assert not missing, f"add to the api-views contract in pyproject.toml: {missing}"


# --- the picture in docs/architecture.md -------------------------------------------------------------


def mermaid(layers_bottom_up: list[list[str]]) -> str:
    """The layers as a Mermaid flowchart, top layer first, each pointing at the one below it, and as a
    numbered list for readers without the diagram."""
    lines = [
        "```mermaid",
        "flowchart TB",
        "    accTitle: The layers of STROM's apps",
        "    accDescr: Each layer may import only the layers below it; apps side by side in one layer do "
        "not import each other.",
    ]
    count = len(layers_bottom_up)
    for number in range(count, 0, -1):
        apps = layers_bottom_up[number - 1]
        lines.append(f'    subgraph L{number}["{number}"]')
        lines.append("        direction LR")
        lines.extend(f'        {app}_app["{app}"]' for app in apps)
        lines.append("    end")
    lines.extend(f"    L{number} --> L{number - 1}" for number in range(count, 1, -1))
    lines.append("```")
    lines.append("")
    for number in range(count, 0, -1):
        apps = layers_bottom_up[number - 1]
        lines.append(f"{number}. " + " · ".join(f"`{app}`" for app in apps))
    return "\n".join(lines)


def test_mermaid_draws_each_layer_pointing_at_the_one_below() -> None:
    text = mermaid([["core"], ["cases", "stats"]])
    assert (
        '    subgraph L2["2"]\n        direction LR\n        cases_app["cases"]\n        stats_app["stats"]'
        in text
    )
    assert "    L2 --> L1\n```" in text
    assert text.endswith("2. `cases` · `stats`\n1. `core`")


def diagram_span(text: str) -> tuple[int, int]:
    """Where the generated lines stand in `text`: between the start and the end marker."""
    start = text.index(DIAGRAM_START) + len(DIAGRAM_START) + 1
    return start, text.index("\n" + DIAGRAM_END, start - 1)


def write_diagram() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start, end = diagram_span(text)
    ARCHITECTURE.write_text(text[:start] + mermaid(layers()) + text[end:], encoding="utf-8")


def test_architecture_doc_shows_the_layers_of_the_contract() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    start, end = diagram_span(text)
    embedded = text[start:end]
    assert embedded == mermaid(layers()), f"the layers changed: run {REGENERATE}"


if __name__ == "__main__":
    write_diagram()
    sys.stderr.write(f"{ARCHITECTURE.relative_to(ROOT)}: the layers of pyproject.toml\n")
    sys.exit(0)

"""The layers plaint is built in, held by reading every module's imports (README: Architecture).

Arrows point one way: the core (the Post record, the platforms, text normalisation, settings)
imports nothing above it; collectors, filters and storage import the core and nothing of each
other; the pipeline and the read-outs wire them; only the CLI imports the CLI. An import inside a
function or under TYPE_CHECKING counts as an import here: it is an arrow all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plaint"

CORE = {"plaint", "plaint.errors", "plaint.text", "plaint.languages", "plaint.fields", "plaint.lexicon",
        "plaint.identity", "plaint.post", "plaint.config", "plaint.queries", "plaint.pseudonym", "plaint.sampling",
        "plaint.tagstream", "plaint.http", "plaint.platforms"}


def layer(module: str) -> str:
    if module in CORE or module.startswith("plaint.platforms."):
        return "core"
    for name in ("collectors", "filters", "storage", "cli"):
        if module == f"plaint.{name}" or module.startswith(f"plaint.{name}."):
            return name
    if module.startswith("plaint.screening"):
        return "filters"  # the screening model is the relevance filter's second step
    return "application"  # the pipeline and what reads the store out: wires the layers below


# What each layer may import besides itself.
ALLOWED = {
    "core": {"core"},
    "collectors": {"core"},
    "filters": {"core"},
    "storage": {"core"},
    "application": {"core", "collectors", "filters", "storage", "application"},
    "cli": {"core", "collectors", "filters", "storage", "application", "cli"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """The plaint modules a file imports, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "plaint"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "plaint":
                continue
            for alias in node.names:  # `from plaint import platforms` imports the module plaint.platforms
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _is_module(candidate) else base)
    return found


def _is_module(name: str) -> bool:
    place = PACKAGE.parent / Path(*name.split("."))
    return place.with_suffix(".py").exists() or (place / "__init__.py").exists()


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py")) if "migrations" not in path.parts}
GRAPH = {name: imports(path) for name, path in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_own_layer_and_those_below(module: str) -> None:
    own = layer(module)
    wrong = sorted(target for target in GRAPH[module] if layer(target) not in {own, *ALLOWED[own]})
    assert not wrong, f"{module} ({layer(module)}) imports {wrong}: an arrow pointing the wrong way"


def test_no_two_modules_import_each_other_even_through_others() -> None:
    """No import cycles: a module that needs one above it takes what it needs as an argument."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            if target == module or target not in GRAPH:
                continue
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target] if target in path else [module, target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert not cycles, f"import cycles: {cycles}"


def test_the_layers_are_read_from_real_imports() -> None:
    """The test above can fail: it sees a known arrow (the pipeline wires storage and filters)."""
    assert {"plaint.storage.store", "plaint.collectors"} <= GRAPH["plaint.pipeline"]
    assert layer("plaint.platforms.reddit") == "core" and layer("plaint.screening.model") == "filters"

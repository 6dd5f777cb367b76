"""The packages import one way (``docs/architecture.md``, "Layers"): read from the source,
so a new import against the grain fails here before it becomes a cycle."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ["accounts", "approvals", "policy", "moskenes_social"]


def _modules() -> dict[str, Path]:
    found = {}
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, bool]]:
    """Each product module ``name`` imports, and whether at the top level of the module
    (rather than inside a function, where it runs later)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = set(tree.body)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            if target in MODULES and target != name:
                yield target, node in top


def _layer(module: str) -> str:
    for prefix in ("accounts.models", "accounts.lockout", "accounts.posts", "accounts.crisis"):
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return module


GRAPH = {name: set(_imports(name, path)) for name, path in MODULES.items()}


def _imported(module: str) -> set[str]:
    return {target for target, _top in GRAPH[module]}


def test_no_module_imports_itself_back_at_import_time() -> None:
    edges = {name: {t for t, top in imports if top} for name, imports in GRAPH.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join([*path[path.index(nxt) :], nxt]))
            if nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])


# Within the accounts app: models, then the lockout, then posts, then crisis mode; the
# app's own core (permissions, selectors, services, forms, register) below them all.
ACCOUNTS_CORE = {
    "accounts.permissions",
    "accounts.selectors",
    "accounts.services",
    "accounts.forms",
    "accounts.register",
}
MAY_IMPORT = {
    "accounts.models": {"accounts.models"},
    "accounts.lockout": {"accounts.models"},
    "accounts.posts": {"accounts.models", "accounts.lockout", "accounts.posts", *ACCOUNTS_CORE},
    "accounts.crisis": {
        "accounts.models",
        "accounts.lockout",
        "accounts.posts",
        "accounts.crisis",
        *ACCOUNTS_CORE,
    },
}


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_each_layer_of_accounts_imports_only_those_below(layer: str) -> None:
    wrong = {
        (module, target)
        for module in MODULES
        if _layer(module) == layer
        for target in _imported(module)
        if target.startswith("accounts") and _layer(target) not in MAY_IMPORT[layer]
    }
    assert not wrong


def test_the_accounts_core_knows_nothing_of_posts_and_crisis_mode() -> None:
    wrong = {
        (module, target)
        for module in ACCOUNTS_CORE
        for target in _imported(module)
        if _layer(target) in {"accounts.lockout", "accounts.posts", "accounts.crisis"}
    }
    assert not wrong


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("policy", ("accounts", "approvals")),
        ("accounts", ("approvals",)),
        ("moskenes_social", ("accounts", "approvals", "policy")),
    ],
)
def test_apps_depend_one_way(package: str, forbidden: tuple[str, ...]) -> None:
    # The start page is the one module of the project package that shows the apps.
    allowed = {"moskenes_social.views"}
    wrong = {
        (module, target)
        for module in MODULES
        if module.split(".")[0] == package and module not in allowed
        for target in _imported(module)
        if target.split(".")[0] in forbidden
    }
    assert not wrong

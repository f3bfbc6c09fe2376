"""The house's rules, read from the import statements of alliance_app/.

- core/ (the platform) and pdf/ (fonts and shared drawing) import no domain;
- no module imports another domain's views, nor the API or the demo loaders
  (only the app factory and the CLI wire those in);
- no import circles (a submodule's import of its own package, such as a view's
  `from . import bp`, is the blueprint pattern, not a circle).
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "alliance_app"
PLATFORM = {"core", "pdf"}
SHARED = {"extensions", "config"}  # created unbound / plain settings: every layer may use them
VIEW_MODULES = ("views", "admin_views", "checkin_views", "transfer_views")
# Who may import the API and the demo loaders.
WIRING = {"alliance_app", "alliance_app.cli"}


def _module_name(path: Path) -> str:
    parts = ["alliance_app", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()


def _exists(name: str) -> bool:
    return _is_package(name) or (PACKAGE.parent / (name.replace(".", "/") + ".py")).exists()


def import_graph() -> dict[str, set[str]]:
    """Module → the alliance_app modules it imports, at any depth of the file."""
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("alliance_app"))
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[: len(base) - node.level + 1]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                if not source.startswith("alliance_app"):
                    continue
                for alias in node.names:  # `from pkg import module` imports the module
                    sub = f"{source}.{alias.name}"
                    targets.add(sub if _exists(sub) else source)
        graph[name] = {t for t in targets if t != name}
    return graph


def _domain(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def forbidden_imports(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        layer = _domain(module)
        for target in sorted(targets):
            other = _domain(target)
            if not other or other in SHARED:
                continue
            if layer in PLATFORM and other not in PLATFORM:
                problems.append(f"{module} (platform) imports {target} (a domain)")
            elif other in ("api", "demo") and layer != other and module not in WIRING:
                problems.append(f"{module} imports {target} (only the app factory and the CLI may)")
            elif target.rpartition(".")[2] in VIEW_MODULES and other != layer:
                problems.append(f"{module} imports {target} (another domain's views)")
    return problems


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), leaving out
    each module's edges to its own enclosing packages."""
    edges = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in graph.items()}
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return cycles


def test_the_platform_imports_no_domain_and_no_domain_imports_another_domains_views():
    assert forbidden_imports(import_graph()) == []


def test_there_is_no_import_circle():
    assert import_cycles(import_graph()) == []


@pytest.mark.parametrize("graph, expected", [
    ({"alliance_app.core.money": {"alliance_app.members.models"}},
     ["alliance_app.core.money (platform) imports alliance_app.members.models (a domain)"]),
    ({"alliance_app.reports.views": {"alliance_app.members.views"}},
     ["alliance_app.reports.views imports alliance_app.members.views (another domain's views)"]),
    ({"alliance_app.members.services": {"alliance_app.demo.organizations"}},
     ["alliance_app.members.services imports alliance_app.demo.organizations (only the app factory and the CLI may)"]),
    ({"alliance_app.registrations.checkin_views": {"alliance_app.registrations.views",
                                                   "alliance_app.core.errors", "alliance_app.extensions"}}, []),
])
def test_the_rule_reads_what_it_should(graph, expected):
    assert forbidden_imports(graph) == expected


def test_a_circle_is_found_and_a_blueprint_import_is_not_one():
    assert import_cycles({"a.x": {"a.y"}, "a.y": {"a.z"}, "a.z": {"a.x"}}) == [["a.x", "a.y", "a.z"]]
    assert import_cycles({"a.views": {"a"}, "a": {"a.views"}}) == []

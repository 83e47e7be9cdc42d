"""The code's layout (docs/architecture.md): apps depend one way, and no module imports
one that imports it back."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: an app may import those before it, never those after it.
LAYERS = [
    ("rph.accounts", "rph.audit", "rph.notifications", "rph.api", "rph.logging"),
    ("intake",),
    ("questionnaires",),
    ("treatment",),
    ("referrals",),
    ("reporting",),
]
# The project package wires every app together (URLs, settings, Celery): above them all.
PROJECT = ("rph.urls", "rph.api_urls", "rph.settings", "rph.celery", "rph.wsgi", "rph.views")


def _layer(module: str) -> int | None:
    for level, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return level
    return None


def _modules() -> dict[str, Path]:
    found = {}
    for top in ("rph", "intake", "questionnaires", "treatment", "referrals", "reporting"):
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Every project module the file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name in known}


def test_apps_depend_only_on_the_apps_before_them():
    known = _modules()
    wrong = []
    for module, path in known.items():
        if module in PROJECT or (level := _layer(module)) is None:
            continue
        for imported in _imports(path, known):
            if (other := _layer(imported)) is not None and other > level:
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_no_module_imports_one_that_imports_it_back():
    known = _modules()
    graph = {module: _imports(path, known) - {module} for module, path in known.items()}
    cycles = [
        f"{module} <-> {other}"
        for module, imported in graph.items()
        for other in imported
        # `from pkg import mod` names the package too; its __init__ imports nothing back.
        if module < other and module in graph[other] and not other.startswith(module + ".")
    ]
    assert cycles == []

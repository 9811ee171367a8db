"""The package layout follows the data flow: a package imports only packages below it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"

#: bottom (0) to top; a module may import its own package and any package of a lower rank
RANK = {"scenario": 0, "engine": 1, "output": 2, "figures": 3, "analysis": 4, "pipeline": 5,
        "sweeps": 6, "design": 6, "calibration": 6, "app": 6, "play": 6, "commands": 7, "api": 8, "cli": 9,
        "__init__": 10, "__main__": 10}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[str, str, int]]:
    """(imported module, imported name or '', line) for every import of ``sim`` in ``path``."""
    rel = path.relative_to(ROOT).with_suffix("").parts
    here = list(rel[:-1]) if rel[-1] != "__init__" else list(rel[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, "", node.lineno) for a in node.names if a.name.split(".")[0] == "sim"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] == "sim":
                found += [(module, a.name, node.lineno) for a in node.names]
    return found


def test_no_import_goes_up():
    wrong = []
    for path in sorted(SIM.rglob("*.py")):
        mine = _package(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for module, name, line in _imports(path):
            if module == "sim" and name == "__version__":
                continue                              # the version string lives at the root
            target = _package(module) if module != "sim" else (name if name in RANK else "__init__")
            if target != mine and RANK[target] > RANK[mine]:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {mine} imports {module} ({target})")
    assert not wrong, "imports that go up the data flow:\n" + "\n".join(wrong)


def test_every_package_is_ranked_and_the_top_level_is_small():
    packages = {p.name for p in SIM.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages <= set(RANK), f"rank these packages in tests/test_layout.py: {packages - set(RANK)}"
    top = sorted(p.name for p in SIM.glob("*.py"))
    assert len(top) <= 6, top


def test_tests_mirror_the_packages():
    for pkg in ("scenario", "engine", "output", "figures", "analysis", "pipeline", "sweeps", "design", "app", "play", "commands"):
        assert list((ROOT / "tests" / pkg).glob("test_*.py")), f"tests/{pkg}/ has no tests"

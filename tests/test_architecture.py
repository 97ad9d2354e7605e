"""Imports run one way: schemas <- evaluation/baselines <- dateline/ (each imports only what is
to its left)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
# folder -> the dateline packages its modules may import
ALLOWED = {
    "schemas": ("dateline.schemas",),
    "evaluation": ("dateline.schemas", "dateline.evaluation"),
    "baselines": ("dateline.schemas", "dateline.baselines"),
}
BARE = ("schemas", "evaluation", "baselines")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_library_imports_only_what_it_may(folder: str) -> None:
    bad = []
    for path in python_files(folder):
        for name in imported_modules(path):
            ours = name == "dateline" or name.startswith("dateline.")
            if ours and not any(name == a or name.startswith(a + ".") for a in ALLOWED[folder]):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, "\n".join(bad)


def test_nothing_imports_the_bare_folder_names() -> None:
    bad = []
    for folder in ("dateline", "tests", "benchmarks", *ALLOWED):
        for path in python_files(folder):
            for name in imported_modules(path):
                if name.split(".")[0] in BARE:
                    bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, "\n".join(bad)

"""The error-code registry against the source and the tests, and the docs page.

The source scan finds every code given to ``DatelineError(...)``: string literals (also inside
``a if c else b``), codes passed through a helper whose parameter becomes the code, and the
dynamic sites listed in ``DYNAMIC``. This file names no code on purpose: the meta-test counts
the codes that the *other* test files name, so naming them here would hide an untested one.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from dateline.schemas import CHECKS, DatelineError
from dateline.schemas.codes import AREAS, CODES, INTERNAL_ERROR, USAGE_ERROR, error_code
from dateline.schemas.codes_docs import DOCS_PATH, render_markdown
from dateline.schemas.oserrors import ERRNO_CODES, OS_CATCH_ALL

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = ("schemas", "evaluation", "baselines", "dateline")
# Sites whose code is no literal nor a helper's parameter: file -> (expression, its codes).
# read_jsonl stops at the first level-1 incident and raises it under the incident's check id.
LEVEL_1 = frozenset(c for c, (level, _) in CHECKS.items() if level == 1)
# os_error maps an errno to its code (ERRNO_CODES), any other errno to the catch-all.
# check_spans refuses Documents under the first level-2 incident's check id.
LEVEL_2 = frozenset(c for c, (level, _) in CHECKS.items() if level == 2)
# from_hf refuses a row under the first level-1 incident of its Document JSON.
DYNAMIC = {"schemas/jsonl.py": ("first.check", LEVEL_1),
           "dateline/hf.py": ("first.check", LEVEL_1),
           "evaluation/inputs.py": ("first.check", LEVEL_2),
           "schemas/oserrors.py": ("code", frozenset(ERRNO_CODES.values()) | {OS_CATCH_ALL})}
# Call sites that give another exit code than the registry's default, on purpose.
EXIT_OVERRIDES = {("dateline/fetch.py", "lock-missing")}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _strings(node: ast.expr) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)]


def _code_arg(call: ast.Call, index: int, keyword: str) -> ast.expr | None:
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def scan() -> tuple[dict[str, list[str]], list[str], list[tuple[str, str, int]]]:
    """(code -> sites, unexplained dynamic sites, (file, code, explicit exit code) per site)."""
    trees = {p.relative_to(ROOT).as_posix(): ast.parse(p.read_text("utf-8"))
             for folder in LIBRARY for p in sorted((ROOT / folder).rglob("*.py"))}
    helpers: dict[str, tuple[int, str]] = {}  # function -> (index, name) of its code parameter
    passing: set[int] = set()  # ids of the DatelineError calls inside those helpers
    for tree in trees.values():
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef):
                params = [a.arg for a in fn.args.args]
                for call in ast.walk(fn):
                    arg = _code_arg(call, 0, "code") if _is_error(call) else None
                    if isinstance(arg, ast.Name) and arg.id in params:
                        helpers[fn.name] = (params.index(arg.id), arg.id)
                        passing.add(id(call))
    found: dict[str, list[str]] = defaultdict(list)
    unexplained: list[str] = []
    exits: list[tuple[str, str, int]] = []
    for file, tree in trees.items():
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or id(call) in passing:
                continue
            if _is_error(call):
                arg = _code_arg(call, 0, "code")
            elif _name(call.func) in helpers:
                arg = _code_arg(call, *helpers[str(_name(call.func))])
            else:
                continue
            codes = _strings(arg) if arg is not None else []
            expr = ast.unparse(arg) if arg is not None else "<none>"
            if not codes and DYNAMIC.get(file, ("",))[0] == expr:
                codes = sorted(DYNAMIC[file][1])
            elif not codes:
                unexplained.append(f"{file}:{call.lineno}: {expr}")
            found_at = f"{file}:{call.lineno}"
            for code in codes:
                found[code].append(found_at)
            exit_code = next((k.value for k in call.keywords if k.arg == "exit_code"), None)
            if isinstance(exit_code, ast.Constant):
                exits.extend((file, code, exit_code.value) for code in codes)
    return found, unexplained, exits


def _is_error(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and _name(node.func) == "DatelineError"


FOUND, UNEXPLAINED, EXITS = scan()


def test_the_scan_finds_codes_in_every_library_folder() -> None:
    folders = {site.split("/")[0] for sites in FOUND.values() for site in sites}
    assert folders == set(LIBRARY)
    assert len(FOUND) > 100


def test_every_code_a_dynamic_site_raises_is_explained() -> None:
    assert not UNEXPLAINED, (
        "DatelineError(...) with a code that is neither a literal nor a helper's parameter; "
        "list the codes it can carry in DYNAMIC:\n" + "\n".join(UNEXPLAINED))


def test_every_raised_code_is_registered() -> None:
    missing = {code: sites for code, sites in FOUND.items() if code not in CODES}
    assert not missing, f"register these codes in schemas/codes.py: {missing}"


def test_no_registered_code_is_dead() -> None:
    dead = sorted(set(CODES) - set(FOUND))
    assert not dead, f"registered but raised nowhere (remove them from schemas/codes.py): {dead}"


def test_explicit_exit_codes_agree_with_the_registry() -> None:
    wrong = sorted({(f, c, e) for f, c, e in EXITS
                    if c in CODES and e != CODES[c].exit_code and (f, c) not in EXIT_OVERRIDES})
    assert not wrong, f"exit_code differs from the registry's default: {wrong}"


def _test_file_strings() -> set[str]:
    out: set[str] = set()
    for path in sorted((ROOT / "tests").rglob("*.py")):
        if path.resolve() == Path(__file__).resolve():
            continue
        out.update(_strings(ast.parse(path.read_text("utf-8"))))
    return out


def test_every_registered_code_is_named_by_a_test() -> None:
    """A code counts as tested when a test file other than this one holds it as a string
    (``"code"``, or ``"[code]"`` inside a string matched against printed output)."""
    strings = _test_file_strings()
    named = {c for c in CODES if c in strings or any(f"[{c}]" in s for s in strings)}
    untested = sorted(set(CODES) - named)
    assert not untested, f"no test provokes these codes: {untested}"


def test_registry_entries_are_well_formed() -> None:
    for code, e in CODES.items():
        assert e.code == code and code == code.lower() and " " not in code, code
        assert e.area in AREAS, code
        assert e.exit_code in (1, 2, INTERNAL_ERROR), code
        assert e.meaning[0].isupper() and e.meaning.endswith("."), code
        assert e.fix and not e.fix.endswith("."), code
    assert {e.area for e in CODES.values()} == set(AREAS)


def test_level_1_checks_are_error_codes_with_the_same_meaning() -> None:
    for check in LEVEL_1:
        assert CODES[check].meaning == CHECKS[check][1], check


def test_an_unregistered_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unregistered error code 'no-such-code-at-all'"):
        DatelineError("no-such-code-at-all", "message")
    with pytest.raises(TypeError):
        DatelineError(3, "message")  # type: ignore[arg-type]


def test_fix_and_exit_code_default_to_the_registry() -> None:
    usage = next(c for c, e in CODES.items() if e.exit_code == USAGE_ERROR)
    err = DatelineError(usage, "went wrong", where="here")
    assert err.fix == error_code(usage).fix and err.exit_code == USAGE_ERROR
    assert str(err) == f"[{usage}] here: went wrong. Fix: {err.fix}."
    err = DatelineError(usage, "went wrong.", fix="do this.", exit_code=1)
    assert (str(err), err.exit_code) == (f"[{usage}] went wrong. Fix: do this.", 1)


def test_the_docs_page_is_up_to_date() -> None:
    """Golden test: regenerate with `make docs` after changing schemas/codes.py."""
    assert (ROOT / DOCS_PATH).read_text("utf-8") == render_markdown(), (
        "docs/errors.md is stale: run `make docs` and commit it")


def test_the_docs_page_lists_every_code_and_check() -> None:
    page = render_markdown()
    for name in (*CODES, *CHECKS):
        assert f"| `{name}` |" in page, name

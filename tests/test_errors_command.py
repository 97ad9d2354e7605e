"""`dateline errors`: the error-code registry as a table, JSON or Markdown, or one code."""

import json

import pytest

from dateline.cli import main
from dateline.schemas import CHECKS
from dateline.schemas.codes import CODES, USAGE_ERROR
from dateline.schemas.codes_docs import describe, render_json, render_markdown

LEVEL_1 = sorted(c for c, (level, _) in CHECKS.items() if level == 1)


def test_errors_lists_every_code(capsys) -> None:
    assert main(["errors"]) == 0
    out = capsys.readouterr().out
    assert f"dateline error codes ({len(CODES)})" in out and "--list-checks" in out
    for code in CODES:
        assert code in out, code


def test_errors_json_and_area(capsys) -> None:
    assert main(["errors", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in data["codes"]] == sorted(CODES)
    assert len(data["checks"]) == len(CHECKS) and set(data["exit_codes"]) == {"0", "1", "2"}
    assert data == json.loads(render_json())
    assert main(["errors", "--area", "studio", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["codes"]
    assert rows and {r["area"] for r in rows} == {"studio"}


def test_errors_markdown_is_the_docs_page(capsys) -> None:
    assert main(["errors", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == render_markdown()


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_errors_explains_one_code(capsys, fmt) -> None:
    code = sorted(CODES)[0]
    assert main(["errors", code, "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert CODES[code].meaning in out and CODES[code].fix in out
    if fmt == "json":
        assert json.loads(out) == describe(code)


def test_errors_explains_a_check_id(capsys) -> None:
    check = next(c for c in CHECKS if c not in CODES)
    assert main(["errors", check]) == 0
    out = capsys.readouterr().out
    assert "validator check" in out and CHECKS[check][1] in out and "--list-checks" in out
    both = LEVEL_1[0]
    assert set(describe(both)) == {"error", "check"}


def test_errors_refuses_an_unknown_code(capsys) -> None:
    close = sorted(CODES)[-1]
    assert main(["errors", close + "x"]) == USAGE_ERROR
    err = capsys.readouterr().err
    assert err.startswith("error: [unknown-code]") and f"did you mean {close}" in err

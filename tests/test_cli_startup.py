"""Start-up: ``dateline COMMAND`` imports the module of that command only, and every help text
(``dateline --help``, each command's ``--help``, a usage error) is the one of the parser with
every command registered."""

import contextlib
import io
import json
import subprocess
import sys

import pytest

from dateline.cli import COMMANDS, build_parser, command_of, main
from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl


def _output(parser, argv):
    with contextlib.redirect_stdout(io.StringIO()) as out, \
            contextlib.redirect_stderr(io.StringIO()) as err, contextlib.suppress(SystemExit):
        parser.parse_args(argv)
    return out.getvalue(), err.getvalue()


def test_top_level_help_is_unchanged(capsys):
    eager = _output(build_parser(), ["--help"])
    assert _output(build_parser(None, lazy=True), ["--help"]) == eager
    assert main(["--help"]) == 0
    assert capsys.readouterr().out == eager[0]
    for name in COMMANDS:  # the registry's one-line help is what the module registers
        assert f"    {name}" in eager[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help_is_unchanged(command):
    eager = _output(build_parser(), [command, "--help"])
    assert eager[0].startswith(f"usage: dateline {command}")
    assert _output(build_parser(command, lazy=True), [command, "--help"]) == eager


@pytest.mark.parametrize("argv", [["scor", "a", "b"], [], ["--debug"], ["score"]])
def test_usage_errors_are_unchanged(argv):
    lazy = build_parser(command_of(argv), lazy=True)
    assert _output(lazy, argv) == _output(build_parser(), argv)


def test_score_imports_only_what_it_needs(tmp_path):
    gold = Document(id="d", text="Ann met Bo.", entities=(
        Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),),
        layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))
    path = tmp_path / "gold.jsonl"
    write_jsonl([gold], path)
    code = ("import contextlib, io, json, sys\n"
            "from dateline.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    code = main(['score', {str(path)!r}, {str(path)!r}, '--format', 'json'])\n"
            "print(json.dumps([code, sorted(sys.modules)]))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    exit_code, modules = json.loads(done.stdout)
    assert exit_code == 0
    assert "dateline.commands.score" in modules
    others = {f"dateline.commands.{c}" for c in COMMANDS if c != "score"}
    # pydantic and the model: the fast structs are read and checked without them; the version
    # is an attribute (importlib.metadata reads every installed distribution).
    heavy = ("dateline.studio", "dateline.convert", "dateline.baselines", "datasets", "spacy",
             "rich", "matplotlib", "dask", "pyarrow", "pydantic", "pydantic_core",
             "dateline.schemas.model", "importlib.metadata",
             # the comparison's modules (intervals, power, tables) and the error report
             "dateline.evaluation.compare", "dateline.evaluation.compare_layer",
             "dateline.evaluation.power", "dateline.evaluation.tables",
             "dateline.evaluation.error_report")
    loaded = [m for m in modules if m in others or m.split(".")[0] in heavy
              or any(m == h or m.startswith(h + ".") for h in heavy)]
    assert loaded == []

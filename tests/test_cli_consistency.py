"""The CLI says the same things the same way: help is plain text, -o names a FILE, --output-dir
a folder."""

import contextlib
import io
import json

import pytest

from dateline.cli import COMMANDS, build_parser, main
from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl


def _help(argv):
    with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):
        build_parser().parse_args([*argv, "--help"])
    return out.getvalue()


@pytest.mark.parametrize("command", COMMANDS)
def test_help_is_plain_text(command):
    text = _help([command])
    assert text.startswith("usage: dateline")
    for markup in ("``", ":func:", ":mod:", ":class:", ":data:"):
        assert markup not in text, (command, markup)


@pytest.fixture
def files(tmp_path):
    text = "Ann met Bo."
    gold = Document(id="d", text=text, entities=(
        Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),),
        layers=Layers(entities=LayerInfo(status="gold", labels=("PERSON",))))
    write_jsonl([gold], tmp_path / "gold.jsonl")
    return str(tmp_path / "gold.jsonl")


def test_score_writes_to_a_file(files, tmp_path, capsys):
    out = tmp_path / "score.json"
    assert main(["score", files, files, "--format", "json", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    report = json.loads(out.read_text("utf-8"))
    assert report["layers"]["entities"]["scores"]["strict.f1"] == 1.0
    assert set(report["not_predicted"]) == {"events", "quotes"}  # n/a, not 0


def test_report_takes_its_folder_as_output_dir(files, tmp_path, capsys):
    assert main(["report", files, files, "--output-dir", str(tmp_path / "r"),
                 "--resamples", "5"]) == 0
    out = capsys.readouterr().out
    assert "events: n/a, not predicted" in out and (tmp_path / "r" / "index.html").exists()
    assert main(["report", files, files, "-o", str(tmp_path / "r2"), "--resamples", "5"]) == 0
    assert "-o DIR is deprecated" in capsys.readouterr().err
    assert main(["report", files, files]) == 2
    assert "--output-dir" in capsys.readouterr().err


def test_corpus_actions_take_only_their_own_options(tmp_path, capsys):
    part = {"documents": 1, "tokens": 1200, "clusters": 2, "events": {"total": 0},
            "mentions": {"total": 3, "named_core_outermost": 2},
            "quotes": {"total": 1, "with_cue": 1}}
    stats = {"corpus_version": "9.9.9", "by_split": {"test": part}, "by_source": {},
             "total": part}
    (tmp_path / "stats.json").write_text(json.dumps(stats), "utf-8")
    assert main(["corpus", "stats", "--json", "--corpus", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out) == stats  # JSON, not a table
    for argv in (["corpus", "stats", "--update"], ["corpus", "export", "out", "--repo", "a=b"],
                 ["corpus", "build", "--format", "conll"], ["corpus", "lock", "--json"]):
        assert main([*argv, "--corpus", str(tmp_path)]) == 2, argv
        assert "[usage]" in capsys.readouterr().err
    assert "--update" in _help(["corpus", "build"]) and "--update" not in _help(
        ["corpus", "stats"])


def test_score_compare_benchmark_share_one_format_set():
    sets = {}
    for command in ("score", "compare", "benchmark"):
        text = _help([command])
        sets[command] = text[text.index("--format {") + 10:].split("}")[0]
    assert len(set(sets.values())) == 1, sets
    assert set(sets["score"].split(",")) == {"table", "json", "markdown", "latex", "csv"}

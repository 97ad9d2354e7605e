"""The compare command: formats, slices, baseline choice, seeds in the output, exit codes."""

import json

import pytest
from compare_data import corpus, perturb

from dateline.cli import main
from dateline.schemas import write_jsonl

FAST = ["--resamples", "100", "--trials", "200"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("compare")
    gold = corpus(30)
    paths = [str(d / "gold.jsonl")]
    write_jsonl(gold, paths[0])
    for name, seed, p in (("base", 1, 0.2), ("worse", 2, 0.5), ("same", 3, 0.2)):
        path = d / f"{name}.jsonl"
        write_jsonl(perturb(gold, seed, p), path)
        paths.append(str(path))
    return paths


def run(capsys, *argv):
    code = main(["compare", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_output_has_settings_and_every_layer(files, capsys):
    code, out, _ = run(capsys, *files, *FAST, "--seed", "5", "--format", "json",
                       "--reference", "base")
    assert code == 0
    res = json.loads(out)
    s = res["settings"]
    assert (s["seed"], s["resamples"], s["trials"], s["baseline"]) == (5, 100, 200, "base")
    assert s["systems"] == ["base", "worse", "same"] and "Holm" in s["correction"]
    assert set(res["layers"]) == {"entities", "events", "quotes"}
    f1 = res["layers"]["entities"]["metrics"]["strict.f1"]
    assert set(f1["differences"]) == {"worse", "same"}
    assert f1["differences"]["worse"]["significant"] is True


def test_table_markdown_latex_csv(files, capsys):
    argv = [*files, *FAST, "--layer", "entities", "--metric", "strict.f1", "--reference",
            "base"]
    code, table, _ = run(capsys, *argv)
    assert code == 0 and "strict.f1" in table and "base (reference)" in table
    assert "seed 12345" in table and "strict.recall" not in table
    _, md, _ = run(capsys, *argv, "--format", "markdown")
    lines = md.splitlines()
    assert lines[0].startswith("| layer | metric | system | score | interval |")
    assert len([x for x in lines if x.startswith("| entities | strict.f1 |")]) == 3
    _, tex, _ = run(capsys, *argv, "--format", "latex")
    assert "\\begin{tabular}" in tex and "strict.f1" in tex and "\\bottomrule" in tex
    assert "$^{*}$" in tex  # the clearly worse system is marked significant
    _, csv, _ = run(capsys, *argv, "--format", "csv")
    assert csv.splitlines()[0].startswith("slice,layer,metric,system,value,low,high")
    assert len(csv.splitlines()) == 4


def test_the_reference_is_never_the_first_by_position(files, capsys):
    code, out, _ = run(capsys, *files, *FAST, "--layer", "entities", "--format", "json")
    assert code == 0
    res = json.loads(out)
    assert res["layers"]["entities"]["reference"] is None
    assert "differences" not in res["layers"]["entities"]["metrics"]["strict.f1"]
    # named after a reference point (lexicon), a system is the default reference
    code, out, _ = run(capsys, *files, *FAST, "--layer", "entities", "--format", "json",
                       "--names", "mine,lexicon,other")
    assert json.loads(out)["layers"]["entities"]["reference"] == "lexicon"
    code, _, err = run(capsys, *files, *FAST, "--baseline", "worse", "--layer", "quotes")
    assert code == 0 and "--baseline is deprecated" in err


def test_a_layer_a_system_does_not_predict_is_na(files, capsys, tmp_path):
    from dateline.schemas import LayerInfo, read_jsonl

    entity_only = tmp_path / "entity-only.jsonl"
    write_jsonl([d.model_copy(update={"events": (), "quotes": (), "layers": d.layers.model_copy(
        update={"events": LayerInfo(), "quotes": LayerInfo()})}) for d in read_jsonl(files[1])],
        entity_only)
    code, out, _ = run(capsys, files[0], files[2], str(entity_only), *FAST, "--reference",
                       "entity-only", "--format", "json")
    assert code == 0
    res = json.loads(out)
    events = res["layers"]["events"]
    assert events["not_predicted"] == {"entity-only": "not predicted (absent in every document)"}
    assert events["reference"] is None  # the reference does not predict events
    assert set(events["metrics"]["trigger_identification.f1"]["systems"]) == {"worse"}
    assert res["layers"]["entities"]["reference"] == "entity-only"
    code, table, _ = run(capsys, files[0], files[2], str(entity_only), *FAST, "--layer",
                         "events", "--metric", "trigger_identification.f1")
    row = next(x for x in table.splitlines() if "entity-only" in x)
    assert "n/a" in row and "0.0000" not in row


def test_slices_by_genre(files, capsys):
    code, out, _ = run(capsys, *files, *FAST, "--layer", "quotes", "--by", "genre",
                       "--format", "json")
    assert code == 0
    res = json.loads(out)
    assert sorted(res["slices"]) == ["interview", "news", "opinion"]
    news = res["slices"]["news"]["layers"]["quotes"]
    assert news["documents"]["scored"] == 10
    assert news["metrics"]["quote.f1"]["systems"]["base"]["interval"] is not None
    _, md, _ = run(capsys, *files, *FAST, "--layer", "quotes", "--by", "genre",
                   "--metric", "quote.f1", "--format", "markdown")
    assert "| genre=news | quotes | quote.f1 |" in md


def test_baseline_by_name_or_path_and_output_file(files, capsys, tmp_path):
    out = tmp_path / "c.json"
    code, _, _ = run(capsys, *files, *FAST, "--reference", files[2], "--layer", "events",
                     "--format", "json", "-o", str(out))
    assert code == 0
    res = json.loads(out.read_text("utf-8"))
    assert res["settings"]["baseline"] == "worse"
    code, _, _ = run(capsys, *files[:3], *FAST, "--names", "x,y", "--reference", "y",
                     "--layer", "events", "--format", "json", "-o", str(out))
    assert json.loads(out.read_text("utf-8"))["settings"]["systems"] == ["x", "y"]


def test_errors_exit_codes(files, capsys):
    code, _, err = run(capsys, *files, "--reference", "nobody")
    assert code == 2 and "unknown-baseline" in err
    code, _, err = run(capsys, files[0], "missing.jsonl")
    assert code == 2 and "no-such-file" in err
    code, _, err = run(capsys, *files, "--resamples", "0")
    assert code == 2 and "bad-option" in err
    code, _, err = run(capsys, *files[:2], "--names", "a,b")
    assert code == 2 and "--names" in err


def test_benchmark_tables_show_intervals_and_significance(tmp_path):
    """`dateline benchmark`'s final tables come from the comparison of each task."""
    import io

    from rich.console import Console

    from dateline.benchmark import benchmark
    from dateline.benchmark_render import tables

    gold = corpus(30)
    preds = {"good": perturb(gold, 1, 0.1), "ref": perturb(gold, 2, 0.6)}

    class Replay:  # an extractor that returns fixed predictions (layers kept, text checked)
        def __init__(self, name):
            self.name, self.version, self.layers = name, "1", ("entities",)
            self._by_id = {d.id: d for d in preds[name]}

        def extract(self, doc):
            out = self._by_id[doc.id]
            assert out.text == doc.text and not doc.entities  # it sees the text only
            return out

    report = benchmark([Replay("good"), Replay("ref")], gold=gold, corpus_version="x",
                       output_dir=tmp_path, resamples=100, trials=200, reference="ref")
    assert report["comparison"]["entities"]["settings"]["baseline"] == "ref"
    console = Console(file=io.StringIO(), width=200)
    for t in tables(report):
        console.print(t)
    text = console.file.getvalue()
    assert "*: differs from the reference ref (ref)" in text and "seed 12345" in text
    good = text[text.index("│ good"):].splitlines()
    assert "*" in good[0] and "[" in good[1]  # score marked significant, interval below it

"""score, compare and report validate the predictions (levels 1-3) and check the gold's spans
as `validate` does (level 2); with --no-validate the predictions' spans are still checked, and
predicted labels outside the inventory are a warning (an error with --strict)."""

import pytest

from dateline.cli import main
from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl

TEXT = "Ann met Bo in Rome."


def doc(*mentions, status="gold"):
    info = LayerInfo(status=status, labels=("PERSON", "LOCATION"))
    return Document(id="d", text=TEXT, layers=Layers(entities=info),
                    entities=tuple(Mention(id=f"m{k}", start=s, end=e, text=t, label=lab)
                                   for k, (s, e, t, lab) in enumerate(mentions)))


GOOD = doc((0, 3, "Ann", "PERSON"), (14, 18, "Rome", "LOCATION"))


@pytest.fixture
def files(tmp_path):
    def write(name, *docs):
        path = tmp_path / name
        write_jsonl(list(docs), path)
        return str(path)
    return write


CASES = [
    ("offset-out-of-range", (110, 120, "x", "PERSON")),   # past the end of a 18-char text
    ("text-mismatch", (0, 3, "Bob", "PERSON")),           # offsets do not match the text
    ("inverted-offset", (5, 2, "", "PERSON")),
    ("empty-span", (4, 4, "", "PERSON")),
]


@pytest.mark.parametrize(("code", "mention"), CASES)
@pytest.mark.parametrize("command", ["score", "compare", "report"])
def test_bad_predicted_spans_are_refused_with_the_validators_code(files, tmp_path, capsys,
                                                                   code, mention, command):
    gold = files("gold.jsonl", GOOD)
    pred = files("pred.jsonl", doc((0, 3, "Ann", "PERSON"), mention, status="silver"))
    extra = ["--output-dir", str(tmp_path / "out")] if command == "report" else []
    assert main([command, gold, pred, *extra]) == 1
    err = capsys.readouterr().err
    assert "[invalid-predictions]" in err and f"{code} ×1" in err
    assert "pred.jsonl:1 d $.entities[1]" in err and f"[{code}]" in err
    assert main([command, gold, pred, *extra, "--no-validate"]) == 1  # spans: always
    err = capsys.readouterr().err
    assert f"[{code}]" in err and "pred.jsonl, document 1 ('d') $.entities[1]" in err


@pytest.mark.parametrize(("code", "mention"), CASES[:2])
def test_bad_gold_spans_are_refused_too(files, capsys, code, mention):
    gold = files("gold.jsonl", doc(mention))
    pred = files("pred.jsonl", GOOD)
    assert main(["score", gold, pred]) == 1
    assert f"[{code}]" in capsys.readouterr().err


def test_labels_outside_the_inventory_warn_or_refuse(files, capsys):
    gold = files("gold.jsonl", GOOD)
    pred = files("pred.jsonl", doc((0, 3, "Ann", "PER"), (14, 18, "Rome", "GPE"),
                                   status="silver"))
    assert main(["score", gold, pred]) == 1  # validated: unknown-label
    assert "unknown-label ×2" in capsys.readouterr().err
    assert main(["score", gold, pred, "--format", "json", "--no-validate"]) == 0
    err = capsys.readouterr().err
    assert "warning: [labels-outside-inventory]" in err and "GPE ×1" in err
    assert main(["score", gold, pred, "--strict", "--no-validate"]) == 1
    assert "[labels-outside-inventory]" in capsys.readouterr().err
    assert main(["compare", gold, pred, "--strict", "--resamples", "5", "--trials", "5",
                 "--no-validate"]) == 1

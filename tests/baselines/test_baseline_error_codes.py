"""Extractor errors, provoked through the registry and the extractors' public methods."""

import pytest

from dateline.baselines import get_extractor
from dateline.baselines.registry import BUILTINS
from dateline.cli import main
from dateline.schemas import DatelineError


@pytest.mark.parametrize("name", ["lexicon", "crf", "events-rules"])
def test_a_missing_or_corrupt_model_is_unreadable(name, tmp_path) -> None:
    ext = get_extractor(name)
    with pytest.raises(DatelineError) as err:
        ext.load(tmp_path)  # an empty folder: no model file
    assert (err.value.code, err.value.exit_code) == ("model-unreadable", 1)
    assert "dateline train" in err.value.fix


def test_a_registered_target_that_makes_no_extractor_is_refused(monkeypatch, capsys,
                                                                 tmp_path) -> None:
    monkeypatch.setitem(BUILTINS, "not-one", "collections:OrderedDict")
    with pytest.raises(DatelineError) as err:
        get_extractor("not-one")
    assert (err.value.code, err.value.exit_code) == ("not-an-extractor", 2)
    assert "OrderedDict" in err.value.message
    out = str(tmp_path / "out.jsonl")
    assert main(["predict", "not-one", "--input", "docs.jsonl", "-o", out]) == 2
    assert "[not-an-extractor]" in capsys.readouterr().err


def test_predict_names_a_missing_input_file(tmp_path, capsys) -> None:
    missing, out = tmp_path / "missing.jsonl", tmp_path / "out.jsonl"
    assert main(["predict", "quote-marks", "--input", str(missing), "-o", str(out)]) == 2
    assert f"[no-such-file] {missing} does not exist" in capsys.readouterr().err
    assert not out.exists()

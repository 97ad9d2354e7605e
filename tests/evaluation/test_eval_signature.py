"""The reproducibility signature: format and parse, the fields that differ, the corpus part (a
file's sha256, the corpus version and MANIFEST hash), every output of score and compare, and
``--signature`` refusing a run whose numbers are not comparable."""

import hashlib
import json
import sys
from pathlib import Path

import pytest

from dateline.cli import main
from dateline.evaluation.signature import (
    FIELDS,
    check_signature,
    comparison_signature,
    format_signature,
    parse_signature,
    signature_differences,
    signature_fields,
)
from dateline.schemas import DatelineError, read_jsonl, write_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "compare"))
from compare_data import corpus, perturb

FAST = ["--resamples", "50", "--trials", "50"]
SETTINGS = {"layers": ["quotes", "entities"], "statuses": ["gold", "draft"],
            "labels": ["PERSON", "LOCATION"], "kinds": None,
            "overlap": {"threshold": 0.5, "relative_to": "union"}}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("signature")
    gold = corpus(12)
    paths = [d / "gold.jsonl", d / "a.jsonl", d / "b.jsonl"]
    write_jsonl(gold, paths[0])
    write_jsonl(perturb(gold, 1, 0.2), paths[1])
    write_jsonl(perturb(gold, 2, 0.4), paths[2])
    return [str(p) for p in paths]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_format_is_canonical_and_parses_back():
    f = signature_fields(SETTINGS, version="0.1.0", corpus_version="0.1.0",
                         manifest_hash="AB12CD34" * 8, protocol="cv:5")
    sig = format_signature(f)
    assert sig == ("dateline:0.1.0|corpus:0.1.0+ab12cd34|protocol:cv:5|status:draft,gold|"
                   "layer:entities,quotes|labels:LOCATION,PERSON|kinds:*|overlap:0.5/union")
    assert parse_signature(sig) == f
    reordered = {**SETTINGS, "statuses": ["draft", "gold"], "labels": ["LOCATION", "PERSON"]}
    assert format_signature(signature_fields(
        reordered, version="0.1.0", corpus_version="0.1.0", manifest_hash="ab12cd34" * 8,
        protocol="cv:5")) == sig
    full = format_signature(signature_fields(
        {**SETTINGS, "resamples": 1000, "trials": 10000, "seed": 12345, "confidence": 0.95,
         "alpha": 0.05}, version="0.1.0"))
    assert list(parse_signature(full)) == list(FIELDS)
    assert full.endswith("|boot:1000|ar:10000|seed:12345|conf:0.95|alpha:0.05")
    assert "|corpus:unknown|protocol:test|" in full


def test_differences_name_fields_and_a_score_matches_its_comparison():
    base = signature_fields(SETTINGS, version="0.1.0", manifest_hash="ab12cd34")
    comp = {**base, "boot": "1000", "ar": "10000", "seed": "1", "conf": "0.95", "alpha": "0.05"}
    assert signature_differences(format_signature(base), format_signature(comp)) == {}
    other = {**comp, "seed": "2", "corpus": "ffff0000", "labels": "*"}
    assert signature_differences(format_signature(comp), format_signature(other)) == {
        "corpus": ("ab12cd34", "ffff0000"), "labels": ("LOCATION,PERSON", "*"),
        "seed": ("1", "2")}
    with pytest.raises(DatelineError) as err:
        check_signature(format_signature(comp), format_signature(other))
    assert err.value.code == "signature-mismatch" and err.value.exit_code == 1
    for name in ("corpus", "labels", "seed", "ffff0000"):
        assert name in str(err.value)


@pytest.mark.parametrize("bad", ["", "dateline:0.1.0", "nonsense",
                                 "dateline:0.1.0|dateline:0.1.0",
                                 "dateline:0.1.0|corpus:x|protocol:test|status:gold|layer:a|"
                                 "labels:*|kinds:*|overlap:any|colour:blue"])
def test_malformed_signatures_are_usage_errors(bad):
    with pytest.raises(DatelineError) as err:
        parse_signature(bad)
    assert (err.value.code, err.value.exit_code) == ("bad-signature", 2)


@pytest.mark.parametrize("protocol", ["cv:1", "cv:x", "Test", "cv", "a|b"])
def test_bad_protocols(protocol):
    with pytest.raises(DatelineError) as err:
        signature_fields(SETTINGS, version="0.1.0", protocol=protocol)
    assert err.value.code == "unknown-protocol"


def test_score_json_and_every_format_carry_the_signature(files, capsys):
    gold = files[0]
    code, out, _ = run(capsys, "score", gold, files[1], "--format", "json")
    assert code == 0
    sig = json.loads(out)["signature"]
    digest = hashlib.sha256(Path(gold).read_bytes()).hexdigest()[:8]
    assert sig.startswith(f"dateline:{json.loads(out)['scorer']['version']}|corpus:{digest}|"
                          "protocol:test|status:gold|layer:entities,events,quotes|")
    for fmt in ("table", "markdown", "csv"):
        code, out, _ = run(capsys, "score", gold, files[1], "--format", fmt)
        assert code == 0 and sig in out, fmt
    # the prediction file does not enter the signature; the gold file's bytes do
    assert json.loads(run(capsys, "score", gold, files[2], "--format", "json")[1])[
        "signature"] == sig


def test_score_signature_option(files, capsys, tmp_path):
    gold, pred = files[:2]
    sig = json.loads(run(capsys, "score", gold, pred, "--format", "json")[1])["signature"]
    code, out, _ = run(capsys, "score", gold, pred, "--signature", sig)
    assert code == 0 and sig in out
    code, out, err = run(capsys, "score", gold, pred, "--labels", "PERSON", "--signature", sig)
    assert code == 1 and out == ""
    assert "[signature-mismatch]" in err and "labels: PERSON in this run, * given" in err
    # other gold bytes (one document's genre changed): same numbers, another corpus part
    edited = tmp_path / "gold.jsonl"
    docs = list(read_jsonl(gold))
    docs[0] = docs[0].model_copy(update={"meta": docs[0].meta.model_copy(
        update={"genre": "sport"})})
    write_jsonl(docs, edited)
    code, _, err = run(capsys, "score", str(edited), pred, "--signature", sig)
    assert code == 1 and "[signature-mismatch]" in err
    assert "1 field(s) differ (corpus: " in err
    code, _, err = run(capsys, "score", gold, pred, "--signature", "dateline:0.1.0")
    assert code == 2 and "[bad-signature]" in err


def test_compare_signature_in_json_footers_and_option(files, capsys):
    code, out, _ = run(capsys, "compare", *files, *FAST, "--format", "json")
    assert code == 0
    res = json.loads(out)
    sig = res["signature"]
    assert sig.endswith("|boot:50|ar:50|seed:12345|conf:0.95|alpha:0.05")
    assert comparison_signature(res, manifest_hash=sig.split("|")[1].split(":")[1]) == sig
    for fmt, line in (("table", f"signature: {sig}"), ("markdown", f"- signature: `{sig}`"),
                      ("latex", f"% signature: {sig}")):
        code, out, _ = run(capsys, "compare", *files, *FAST, "--format", fmt)
        assert code == 0 and line in out.splitlines(), fmt
    code, _, _ = run(capsys, "compare", *files, *FAST, "--signature", sig)
    assert code == 0
    code, out, err = run(capsys, "compare", *files, *FAST, "--seed", "5", "--alpha", "0.01",
                         "--signature", sig)
    assert code == 1 and out == ""
    assert "seed: 5 in this run, 12345 given" in err and "alpha: 0.01 in this run" in err
    # a score's signature is comparable with its comparison's (point values)
    score_sig = json.loads(run(capsys, "score", files[0], files[1], "--format", "json")[1])[
        "signature"]
    assert run(capsys, "compare", *files, *FAST, "--signature", score_sig)[0] == 0


def test_benchmark_function_signs_a_comparison_with_the_callers_corpus():
    from dateline.evaluation.compare import compare_systems

    gold = corpus(6)
    res = compare_systems(gold, {"a": perturb(gold, 1, 0.2)}, layers=("events",), resamples=5)
    sig = comparison_signature(res, corpus_version="0.1.0", manifest_hash="0123abcd" * 8,
                               protocol="all")
    f = parse_signature(sig)
    assert (f["corpus"], f["protocol"], f["layer"], f["boot"]) == (
        "0.1.0+0123abcd", "all", "events", "5")
    assert signature_differences(sig, res["signature"]) == {
        "corpus": ("0.1.0+0123abcd", "unknown"), "protocol": ("all", "test")}


def test_corpus_signature_has_version_and_manifest_hash(tmp_path, capsys, corpus_env):
    from dateline import loading
    from dateline.manifest import manifest_hash

    pred = tmp_path / "pred.jsonl"
    write_jsonl(list(loading.documents("test")), pred)
    code, out, _ = run(capsys, "score", "corpus:test", str(pred), "--status",
                       "gold,draft,silver", "--format", "json")
    assert code == 0
    f = parse_signature(json.loads(out)["signature"])
    assert f["corpus"] == f"{loading.corpus_version()}+{manifest_hash(corpus_env)[:8]}"
    assert f["protocol"] == "test"

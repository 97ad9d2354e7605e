"""Scoring errors, provoked through the public API of dateline.evaluation (``score``,
``compare_systems``, ``compare_scores``, ``render_comparison``, ``write_error_report``): each test
asserts the code and the exit code (1 refused data, 2 a usage error)."""

import pytest

from dateline.evaluation import (
    Overlap,
    compare_scores,
    compare_systems,
    render_comparison,
    score,
    score_entity_spans,
    score_events,
    score_quotes,
    write_error_report,
)
from dateline.schemas import DatelineError, Document, Mention


def _raised(fn, *args, **kwargs) -> DatelineError:
    with pytest.raises(DatelineError) as exc:
        fn(*args, **kwargs)
    return exc.value


def _docs() -> list[Document]:
    return [Document(id=f"d{i}", text="Ann met Bo.", entities=(
        Mention(id="m1", start=0, end=3, text="Ann", label="PERSON"),)) for i in range(3)]


def test_an_unknown_overlap_basis_is_a_usage_error() -> None:
    err = _raised(Overlap, 0.5, "tokens")
    assert (err.code, err.exit_code) == ("bad-overlap-basis", 2) and "'tokens'" in err.message


def test_an_unknown_layer_is_a_usage_error() -> None:
    docs = _docs()
    for fn, args in ((score, (docs, docs)), (compare_systems, (docs, {"a": docs}))):
        err = _raised(fn, *args, layers=("relations",))
        assert (err.code, err.exit_code) == ("unknown-layer", 2), fn


def test_an_unknown_meta_field_is_a_usage_error() -> None:
    docs = _docs()
    err = _raised(compare_systems, docs, {"a": docs}, by="weather", resamples=10, trials=10)
    assert (err.code, err.exit_code) == ("unknown-meta-field", 2)


def test_an_unknown_entity_mode_is_a_usage_error(tmp_path) -> None:
    s = score_entity_spans([[(0, 1, "A")]], [[(0, 1, "A")]])
    err = _raised(s.scores, "fuzzy")
    assert (err.code, err.exit_code) == ("unknown-mode", 2)
    docs = _docs()
    err = _raised(write_error_report, docs, docs, tmp_path / "out", mode="fuzzy")
    assert (err.code, err.exit_code) == ("unknown-mode", 2)


def test_an_unknown_comparison_format_is_a_usage_error() -> None:
    docs = _docs()
    result = compare_systems(docs, {"a": docs}, layers=("entities",), resamples=10, trials=10)
    err = _raised(render_comparison, result, "html")
    assert (err.code, err.exit_code) == ("unknown-format", 2)


def test_comparing_no_system_is_refused() -> None:
    err = _raised(compare_scores, {})
    assert (err.code, err.exit_code) == ("compare-no-system", 1)


def test_systems_scored_on_different_documents_are_refused() -> None:
    g = [[(0, 1, "A")]]
    a = score_entity_spans(g * 3, g * 3, keep_items=False)
    b = score_entity_spans(g * 2, g * 2, keep_items=False)
    err = _raised(compare_scores, {"a": {"entities": a}, "b": {"entities": b}},
                  resamples=10, trials=10)
    assert (err.code, err.exit_code) == ("compare-documents-differ", 1)


def test_results_of_different_scorers_are_refused() -> None:
    docs = _docs()
    quotes, events = score_quotes(docs, docs), score_events(docs, docs)
    err = _raised(compare_scores, {"a": {"quotes": quotes}, "b": {"quotes": events}},
                  resamples=10, trials=10)
    assert (err.code, err.exit_code) == ("compare-fields-differ", 1)

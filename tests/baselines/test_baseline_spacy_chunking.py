"""Long texts cost the spacy adapter a bounded amount: pieces at good boundaries, offsets
mapped back exactly, the same entities as the whole text."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dateline.baselines.chunking import chunk_spans
from dateline.baselines.text import is_cluster_continuation
from dateline.schemas import DatelineError, Document, check_document

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PIECES = st.sampled_from(["Ann", " ", "said", ".", "\n", "\n\n", "Zoe\u0308", "👍🏽", "🇫🇷",
                          "e\u0301", "x" * 30, "!", "\u201d", " Bo Chan "])


@settings(max_examples=int(os.environ.get("DATELINE_HYPOTHESIS_EXAMPLES", "150")),
          deadline=None)
@given(text=st.lists(PIECES, max_size=80).map("".join), size=st.integers(8, 120))
def test_pieces_cover_the_text_exactly_and_stay_bounded(text, size) -> None:
    spans = chunk_spans(text, size)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(0 < b - a <= size for a, b in spans)
    assert [a for a, _ in spans[1:]] == [b for _, b in spans[:-1]]
    for _, b in spans[:-1]:
        assert not is_cluster_continuation(text, b), (b, text[b - 3:b + 3])


def test_pieces_end_at_the_best_boundary() -> None:
    # The best kind of boundary in the second half of each window: a paragraph break, a line
    # break, a sentence end, white space.
    text = "Aa bb. Cc dd.\n\nEe ff. Gg hh.\nIi jj. Kk ll."
    assert chunk_spans(text, 20) == [(0, 15), (15, 29), (29, 42)]
    assert chunk_spans("Tiny words here. And more words there.", 25) == [(0, 17), (17, 38)]
    assert chunk_spans("abcdefgh", 3) == [(0, 3), (3, 6), (6, 8)]
    with pytest.raises(ValueError):
        chunk_spans("abc", 0)


@pytest.fixture(scope="module")
def spacy_ner():
    from dateline.baselines.spacy_ner import SpacyNER

    try:
        return SpacyNER, SpacyNER(max_chunk_chars=None)
    except DatelineError as err:
        pytest.skip(f"spaCy model not installed: {err}")


def test_chunked_text_gives_the_entities_of_the_whole_text(spacy_ner) -> None:
    cls, whole = spacy_ner
    sentences = ["Angela Merkel visited Paris on Monday.", "Bo Chan joined Acme Corp in Lima.",
                 "\u201cWe won,\u201d said Ann Lee in Oslo.", "The talks ended in Geneva."]
    text = "\n\n".join(" ".join(sentences[(i + k) % 4] for k in range(3)) for i in range(40))
    doc = Document(id="d", text=text)
    chunked = cls(max_chunk_chars=1000)
    assert len(chunk_spans(text, 1000)) >= 4
    out = chunked.extract(doc)
    assert out == whole.extract(doc)
    assert check_document(out) == []
    assert all(text[m.start:m.end] == m.text for m in out.entities)
    assert {m.text for m in out.entities} >= {"Angela Merkel", "Paris", "Ann Lee", "Geneva"}
    # Several documents in one batch, short and long: each maps onto its own text.
    docs = [Document(id="a", text="Ann Lee left Oslo."), doc, Document(id="e", text="")]
    assert chunked.extract_batch(docs) == whole.extract_batch(docs)


def test_chunk_size_is_checked(spacy_ner) -> None:
    cls, _ = spacy_ner
    for settings_ in ({"max_chunk_chars": 10}, {"batch_size": 0}):
        with pytest.raises(DatelineError) as err:
            cls(**settings_)
        assert err.value.code == "bad-setting"


@pytest.mark.skipif(not os.environ.get("DATELINE_SLOW_TESTS"),
                    reason="spaCy on 1.1 MB takes about a minute; set DATELINE_SLOW_TESTS=1")
def test_a_long_text_stays_within_bounded_memory(spacy_ner) -> None:
    done = subprocess.run([sys.executable, os.path.join(REPO, "benchmarks", "spacy_long_text.py"),
                           "--variant", "chunked"], capture_output=True, text=True, check=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["chars"] >= 1_100_000 and result["entities"] > 10_000
    # The model (about 0.2 GB) plus one bounded piece at a time; whole, it took 3.6 GB.
    assert result["peak_rss_mb"] < 1500, result

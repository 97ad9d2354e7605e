"""Bad input: every extractor returns a valid Document, never an exception or a cut character."""

from __future__ import annotations

import os

import pytest
from baseline_fixtures import NAMES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dateline.baselines.text import is_cluster_continuation
from dateline.schemas import Document, check_document

EMOJI = "Zoe\u0308 said “👍🏽 ok 👨‍👩‍👧 fine 🇫🇷🇩🇪,” and Ann Lee\u0301 added: ‘Cafe\u0301 ❤️ 1️⃣.’"
BAD_TEXTS = {
    "empty": "",
    "whitespace": " \n\t \u00a0\u2003\n\n ",
    "unbalanced-quotes": '“He said. "Open ‘half ” ’ «x\n\n“Para one\n\n" ” " “ «» ‘’ \' ‘',
    "multi-paragraph": "“One,” she said. “Two.\n\n“Three.\n\n“Four” \"Five\n\n'Six",
    "emoji-and-combining": EMOJI,
    "combining-after-mark": "\"\u0301a\u0301\" \u0301said\u0301 Bo\u0301b \"\u0301\"",
    "control-characters": "\x00Ann\x01 said \x1b[31m“hi there my friend”\x7f\u200b\u2028x\x0c"
                          "\r\nBob \ufeff\ufffe said that \x00 it was fine.\x85",
    "lone-surrogate": "Ann said \ud83d “ok \udc4d then” .",
    "only-marks": "\"\"\"''“”‘’«»„‚" * 20,
    "long-token": "a" * 50_000 + " said “" + "b" * 5_000 + "”",
}


def assert_valid(doc: Document, out: Document) -> None:
    assert out.id == doc.id
    assert out.text == doc.text
    assert check_document(out) == []
    spans = [(m.start, m.end) for m in out.entities]
    spans += [(e.trigger.start, e.trigger.end) for e in out.events]
    spans += [(c.start, c.end) for q in out.quotes for c in q.content]
    spans += [(q.cue.start, q.cue.end) for q in out.quotes if q.cue is not None]
    for start, end in spans:
        assert not is_cluster_continuation(out.text, start), (start, out.text[start:end])
        assert not is_cluster_continuation(out.text, end), (end, out.text[start:end])


@pytest.mark.parametrize("case", sorted(BAD_TEXTS))
@pytest.mark.parametrize("name", NAMES)
def test_bad_input_yields_a_valid_document(extractors, name, case) -> None:
    if name not in extractors:
        pytest.skip(f"{name} is not installed")
    doc = Document(id=case, text=BAD_TEXTS[case])
    assert_valid(doc, extractors[name].extract(doc))


SLOW = pytest.mark.skipif(not os.environ.get("DATELINE_SLOW_TESTS"),
                          reason="spaCy NER needs ~30 s on 1 MB; set DATELINE_SLOW_TESTS=1")


@pytest.mark.parametrize("name", [n if n != "spacy" else pytest.param(n, marks=SLOW)
                                  for n in NAMES])
def test_one_megabyte_without_sentence_boundaries(extractors, name) -> None:
    if name not in extractors:
        pytest.skip(f"{name} is not installed")
    text = ("word “said” Ann, ‘unbalanced " * 40_000)[:1_000_000]
    doc = Document(id="big", text=text)
    assert_valid(doc, extractors[name].extract(doc))


ALPHABET = st.sampled_from(
    [*"aZ .,:;\n\"'“”‘’«»„", "\u0301", "👍🏽", "🇫🇷", "\u200d", "\x00", " said ",
     " Ann Lee ", " he ", " attacked ", " according to ", "\n\n", " that ", " told ",
     " President ", " Bo ", "2020", " Monday ", " the minister "])


@settings(max_examples=int(os.environ.get("DATELINE_HYPOTHESIS_EXAMPLES", "150")),
          deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(ALPHABET, max_size=60).map("".join))
def test_random_text_yields_valid_documents(extractors, text) -> None:
    doc = Document(id="r", text=text)
    for name in ("quotes-rules", "events-rules", "crf", "lexicon", "quote-marks"):
        assert_valid(doc, extractors[name].extract(doc))

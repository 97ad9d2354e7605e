"""The agreement measures count tokens the way the rest of dateline cuts text: spaCy's
rule-based tokenizer, never splitting a user-perceived character, one token per CJK
character."""

import pytest

from dateline.baselines.text import tokenize
from dateline.baselines.tokens import grapheme_tokens
from dateline.evaluation.agreement import agreement, token_labels
from dateline.schemas import Document, LayerInfo, Layers, Mention


def _words(text):
    return [text[s:e] for s, e in grapheme_tokens(text)]


@pytest.mark.parametrize(("text", "words"), [
    ("Cafe\u0301 au lait", ["Cafe\u0301", "au", "lait"]),  # a combining acute accent
    ("x\u0301\u0302 y", ["x\u0301\u0302", "y"]),  # two marks on one letter
    ("Great 👍🏽 news", ["Great", "👍🏽", "news"]),  # skin-tone modifier
    ("The 👨\u200d👩\u200d👧 left", ["The", "👨\u200d👩\u200d👧", "left"]),  # ZWJ family
    ("In 🇫🇷 and 🇩🇪.", ["In", "🇫🇷", "and", "🇩🇪", "."]),  # flags: pairs of indicators
    ("Press 1\ufe0f\u20e3 now", ["Press", "1\ufe0f\u20e3", "now"]),  # keycap
    ("😀😀", ["😀", "😀"]),  # two emoji are two tokens
    ("東京都に行った。", ["東", "京", "都", "に", "行", "っ", "た", "。"]),
    ("서울에서 만났다", ["서", "울", "에", "서", "만", "났", "다"]),
    ("ABC東京", ["ABC", "東", "京"]),
])
def test_no_user_perceived_character_is_cut_and_cjk_is_cut_per_character(text, words):
    assert _words(text) == words


def test_plain_english_is_spacys_tokenization():
    text = "Dr. Zoë Müller told reporters on Monday: “We won’t stop,” she said."
    toks = tokenize(text)
    assert grapheme_tokens(text) == list(zip(toks.starts, toks.ends, strict=True))


def _ann(text, spans):
    return Document(id="d", text=text, layers=Layers(entities=LayerInfo(status="gold")),
                    entities=tuple(Mention(id=f"m{k}", start=s, end=e, text=text[s:e],
                                           label=lab) for k, (s, e, lab) in enumerate(spans)))


def test_a_name_inside_a_cjk_run_is_measured():
    text = "昨日東京で会った"  # "met in Tokyo yesterday": the place is inside one run
    a = _ann(text, [(2, 4, "LOCATION")])
    b = _ann(text, [(2, 4, "LOCATION")])
    labels = token_labels(a, "entities", grapheme_tokens(text))
    assert labels == ["O", "O", "LOCATION", "LOCATION", "O", "O", "O", "O"]
    r = agreement({"d": {"a": a, "b": b}}, layers=("entities",), bootstrap=10,
                  tokenizer=grapheme_tokens)
    assert r["pairs"]["a | b"]["entities"]["kappa"] == 1.0
    assert r["pairs"]["a | b"]["entities"]["tokens"] == 8
    assert r["settings"]["tokens"] == "dateline.baselines.tokens.grapheme_tokens"


def test_an_emoji_with_its_modifier_is_one_token_of_a_span():
    text = "Ann 👍🏽 left"
    a = _ann(text, [(0, 3, "PERSON")])
    assert token_labels(a, "entities", grapheme_tokens(text)) == ["PERSON", "O", "O"]

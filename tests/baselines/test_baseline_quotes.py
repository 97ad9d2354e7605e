"""quotes-rules on hand-written sentences: every quotation-mark style, orders, kinds, speakers."""

from __future__ import annotations

import pytest

from dateline.baselines.quote_marks import QuoteMarks, direct_quote_spans
from dateline.baselines.quotes import QuoteRules
from dateline.schemas import Document, check_document


def quotes(text: str) -> list[tuple[str, list[str], str | None, str | None]]:
    out = QuoteRules().extract(Document(id="d", text=text))
    assert check_document(out) == []
    rows = []
    for q in out.quotes:
        speaker = out.mention(q.speaker).text if q.speaker else None
        rows.append((q.kind, [c.text for c in q.content], q.cue.text if q.cue else None,
                     speaker))
    return rows


@pytest.mark.parametrize("text", [
    '"We will win the vote," said Ann Lee.',
    "“We will win the vote,” said Ann Lee.",
    "‘We will win the vote,’ said Ann Lee.",
    "'We will win the vote,' said Ann Lee.",
    "«We will win the vote,» said Ann Lee.",
    "„We will win the vote,“ said Ann Lee.",
])
def test_every_quotation_mark_style(text: str) -> None:
    assert quotes(text) == [("direct", ["We will win the vote"], "said", "Ann Lee")]


def test_speaker_before_and_after_the_cue() -> None:
    assert quotes("“It is over,” Ann Lee said.")[0][2:] == ("said", "Ann Lee")
    assert quotes("“It is over,” said Ann Lee.")[0][2:] == ("said", "Ann Lee")
    assert quotes("Ann Lee said: “It is over.”")[0][2:] == ("said", "Ann Lee")
    assert quotes("“It is over,” said Prime Minister John Howard.")[0][3] == \
        "Prime Minister John Howard"
    assert quotes("“It is over,” the minister told reporters.")[0][2:] == ("told", "the minister")


def test_pronoun_speaker_is_resolved_to_the_last_person() -> None:
    text = "Ann Lee left early. “It is over,” she said."
    out = QuoteRules().extract(Document(id="d", text=text))
    speaker = out.mention(out.quotes[0].speaker)
    assert speaker.text == "she" and speaker.kind == "pronoun"
    names = [m.text for m in out.entities if m.entity == speaker.entity and m is not speaker]
    assert names == ["Ann Lee"]


def test_nested_quotes_stay_inside() -> None:
    rows = quotes("“He told me ‘never again’ twice,” said Ann Lee.")
    assert rows == [("direct", ["He told me ‘never again’ twice"], "said", "Ann Lee")]


def test_multi_paragraph_quote_leaves_the_closing_mark_off() -> None:
    text = "Ann Lee said: “We came here first.\n\n“And we will stay here.”"
    assert quotes(text) == [("direct", ["We came here first", "And we will stay here"],
                             "said", "Ann Lee")]


def test_direct_quote_content_can_keep_its_marks() -> None:
    text = "Ann Lee said: “We came here first.\n\n“And we will stay here.”"
    out = QuoteRules(with_marks=True).extract(Document(id="d", text=text))
    assert [c.text for c in out.quotes[0].content] == ["“We came here first.",
                                                       "“And we will stay here.”"]
    assert check_document(out) == []


def test_quote_split_by_its_cue_is_one_quote() -> None:
    rows = quotes("“We won,” Ann Lee said, “and we will win again.”")
    assert rows == [("direct", ["We won", "and we will win again"], "said", "Ann Lee")]


def test_uncued_quote_inherits_the_speaker_of_its_paragraph() -> None:
    rows = quotes("“We won,” Ann Lee said. “We will win again next year.”")
    assert [r[3] for r in rows] == ["Ann Lee", "Ann Lee"]
    assert rows[1][2] is None


def test_indirect_quotes() -> None:
    assert quotes("Ann Lee said that the vote was close.") == [
        ("indirect", ["the vote was close"], "said", "Ann Lee")]
    assert quotes("The vote was close, Ann Lee said.") == [
        ("indirect", ["The vote was close"], "said", "Ann Lee")]
    assert quotes("According to Ann Lee, the vote was close.") == [
        ("indirect", ["the vote was close"], "According to", "Ann Lee")]
    assert quotes("The vote was close, according to the minister.") == [
        ("indirect", ["The vote was close"], "according to", "the minister")]
    assert quotes("The minister told reporters that the vote was close.") == [
        ("indirect", ["the vote was close"], "told", "The minister")]


def test_thought_is_no_quote() -> None:
    assert quotes("Ann Lee thinks that the vote was close.") == []
    assert quotes("The results show that the vote was close.") == []


def test_mixed_quote() -> None:
    rows = quotes("Ann Lee said the meeting was “highly productive” for everyone.")
    assert rows == [("mixed", ["the meeting was “highly productive” for everyone"], "said",
                     "Ann Lee")]


def test_unbalanced_marks_degrade_to_the_quotes_that_close() -> None:
    assert direct_quote_spans("“Open and never closed.\n\nNext “closed one” here.") == [[(31, 41)]]
    text = 'He said "yes. And then "no" again.'
    assert [[text[a:b] for a, b in q] for q in direct_quote_spans(text)] == [["no"]]


def test_apostrophes_are_no_quotes() -> None:
    assert direct_quote_spans("It's Ann's and the players' ball, don't ask.") == []


def test_scare_quotes_without_cue_are_dropped_but_marks_alone_keep_them() -> None:
    text = "The so-called “reform” passed."
    assert quotes(text) == []
    out = QuoteMarks().extract(Document(id="d", text=text))
    assert [q.content[0].text for q in out.quotes] == ["reform"]

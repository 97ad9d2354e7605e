"""The reporting rules of quotes-rules, one invented sentence (or more) each: what the rule
finds, and that without it the extractor does not find it."""

from __future__ import annotations

import pytest

from dateline.baselines.quotes import QuoteRules
from dateline.baselines.reporting import DEFAULT_RULES, RULES
from dateline.schemas import DatelineError, Document, check_document


def _found(text: str, rules: list[str]) -> list[tuple[str, list[str], str | None, str | None]]:
    out = QuoteRules(rules=rules).extract(Document(id="d", text=text))
    assert check_document(out) == []
    return [(q.kind, [c.text for c in q.content], q.cue.text if q.cue else None,
             out.mention(q.speaker).text if q.speaker else None) for q in out.quotes]


# (rule, text, what the rule finds: kind, content, cue, speaker)
CASES = [
    ("relative-clause", "Ann Lee, who chairs the city board, says the new plan will fail.",
     ("indirect", ["the new plan will fail"], "says", "Ann Lee")),
    ("relative-clause", "Bo Chan, editor of the Daily Lantern, said the paper would close soon.",
     ("indirect", ["the paper would close soon"], "said", "Bo Chan")),
    ("relative-clause", '"We are ready," Cy Dee, a coach at the club, said on Monday.',
     ("direct", ["We are ready"], "said", "Cy Dee")),
    ("statement-frame", "In a statement to the press, Acme called the ruling deeply unfair.",
     ("indirect", ["the ruling deeply unfair"], "called", "Acme")),
    ("spokesperson", "Acme's spokesperson told reporters that the old plant would close.",
     ("indirect", ["the old plant would close"], "told", "Acme's spokesperson")),
    ("organisations", "Microsoft says that the latest versions are much safer.",
     ("indirect", ["the latest versions are much safer"], "says", "Microsoft")),
    ("organisations", "The high court has ruled that the old law is void.",
     ("indirect", ["the old law is void"], "ruled", "The high court")),
    ("organisations", "Moscow said the drones were shot down overnight.",
     ("indirect", ["the drones were shot down overnight"], "said", "Moscow")),
    ("organisations", "According to the Interior Ministry over 300 pilgrims were hurt.",
     ("indirect", ["over 300 pilgrims were hurt"], "According to", "Interior Ministry")),
    ("documents", "The report states that few firms use iodised salt today.",
     ("indirect", ["few firms use iodised salt today"], "states", "The report")),
    ("documents", 'The Home Office letter reads "we may extend the scheme soon", but no plan '
     "exists.", ("direct", ["we may extend the scheme soon"], "reads", "The Home Office letter")),
]


@pytest.mark.parametrize(("rule", "text", "expected"), CASES,
                         ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(CASES)])
def test_each_rule_finds_its_structure_and_only_it_does(rule, text, expected) -> None:
    assert expected in _found(text, [rule])
    assert expected in _found(text, list(RULES))
    assert expected not in _found(text, [r for r in RULES if r != rule])


def test_the_white_house_is_a_source() -> None:
    # An organisation named like a place is a speaker with or without the rules.
    found = _found("The White House said the talks would go on next week.", list(RULES))
    assert found == [("indirect", ["the talks would go on next week"], "said", "White House")]


def test_no_source_from_a_lone_sentence_opener() -> None:
    # "Probably read ..." and "Take say ..." name no organisation.
    for text in ("Probably read about it somewhere in the old papers.",
                 "Take say the minister of the day, who knew it well."):
        assert _found(text, ["organisations"]) == []


def test_rules_setting_is_checked_and_defaults() -> None:
    assert QuoteRules().rules == frozenset(DEFAULT_RULES)
    assert "statement-frame" not in DEFAULT_RULES
    with pytest.raises(DatelineError) as err:
        QuoteRules(rules=["documents", "gossip"])
    assert err.value.code == "bad-setting" and "gossip" in err.value.message

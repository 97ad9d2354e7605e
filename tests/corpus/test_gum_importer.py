"""The GUM importer on a tiny document written for this test (no source text)."""

import textwrap

import pytest

from dateline.schemas import DatelineError, check_document
from dateline.sources import SourceReader
from dateline.sources.conllu import parse_conllu
from dateline.sources.gum import import_gum, parse_entity_field

CONLLU = textwrap.dedent("""\
    # newdoc id = GUM_news_tiny
    # meta::title = Tiny
    # meta::dateCreated = 2020-01-02
    # newpar
    # text = Ann Lee said "the talks failed".
    1\tAnn\tAnn\tPROPN\tNNP\t_\t3\tnsubj\t_\tEntity=(1-person-new-s-cf1-1-coref-Ann_Lee
    2\tLee\tLee\tPROPN\tNNP\t_\t1\tflat\t_\tEntity=1)
    3\tsaid\tsay\tVERB\tVBD\t_\t0\troot\t_\t_
    4\t"\t"\tPUNCT\t``\t_\t7\tpunct\t_\tSpaceAfter=No
    5\tthe\tthe\tDET\tDT\t_\t6\tdet\t_\tEntity=(2-event-new-s-cf2-2-coref
    6\ttalks\ttalk\tNOUN\tNNS\t_\t7\tnsubj\t_\tEntity=2)
    7\tfailed\tfail\tVERB\tVBD\t_\t3\tccomp\t_\tSpaceAfter=No
    8\t"\t"\tPUNCT\t''\t_\t7\tpunct\t_\tSpaceAfter=No
    9\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_

    # newpar
    # text = She thinks it works.
    1\tShe\tshe\tPRON\tPRP\t_\t2\tnsubj\t_\tEntity=(1-person-giv-s-cf1-1-ana)
    2\tthinks\tthink\tVERB\tVBZ\t_\t0\troot\t_\t_
    3\tit\tit\tPRON\tPRP\t_\t4\tnsubj\t_\tEntity=(2-event-giv-s-cf1-1-ana)
    4\tworks\twork\tVERB\tVBZ\t_\t2\tccomp\t_\tSpaceAfter=No
    5\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

    """)
RS4 = textwrap.dedent("""\
    <rst><header/><body>
    <segment id="1" parent="2" relname="attribution-positive">Ann Lee said</segment>
    <segment id="2" parent="5" relname="span">" the talks failed " .</segment>
    <segment id="3" parent="4" relname="attribution-positive">She thinks</segment>
    <segment id="4" parent="5" relname="joint">it works .</segment>
    <group id="5" type="multinuc"/>
    <signals>
    <signal source="1" type="semantic" subtype="attribution_source" tokens="1,2"/>
    <signal source="1" type="lexical" subtype="indicative_word" tokens="3"/>
    <signal source="3" type="semantic" subtype="attribution_source" tokens="10"/>
    <signal source="3" type="lexical" subtype="indicative_word" tokens="11"/>
    </signals></body></rst>
    """)


@pytest.fixture
def tiny(tmp_path):
    gum = tmp_path / "gum"
    (gum / "dep").mkdir(parents=True)
    (gum / "rst" / "rstweb").mkdir(parents=True)
    (gum / "LICENSE.txt").write_text("test")
    (gum / "dep" / "GUM_news_tiny.conllu").write_text(CONLLU)
    (gum / "rst" / "rstweb" / "GUM_news_tiny.rs4").write_text(RS4)
    result = import_gum(SourceReader(tmp_path, record=True))
    return result.documents[0], result.report


def test_text_and_mentions(tiny):
    doc, _report = tiny
    assert doc.text == 'Ann Lee said "the talks failed".\n\nShe thinks it works.'
    assert check_document(doc) == []
    ann, talks, she, _it = doc.entities
    assert (ann.text, ann.label, ann.kind, ann.link, ann.entity) == (
        "Ann Lee", "PERSON", "named", "Ann_Lee", "e1")
    assert (talks.text, talks.label, talks.kind, talks.source_label) == (
        "the talks", "EVENT", "nominal", "event")
    assert she.kind == "pronoun" and she.entity == "e1"
    assert doc.meta.published == "2020-01-02"


def test_event_triggers_on_the_head_word(tiny):
    doc, report = tiny
    assert [(e.trigger.text, e.type) for e in doc.events] == [("talks", None)]
    assert report["counts"]["event mentions excluded: pronoun head (no trigger word)"] == 1


def test_only_speech_attributions_become_quotes(tiny):
    doc, report = tiny
    assert len(doc.quotes) == 1
    q = doc.quotes[0]
    assert [s.text for s in q.content] == ["the talks failed"]
    assert q.cue.text == "said" and q.kind == "direct"
    assert doc.mention(q.speaker).text == "Ann Lee"
    assert report["counts"]["excluded: cue is no speech or writing verb"] == 1
    assert report["cue lemmas"] == {"say": 1, "think": 1}


def test_entity_field_parsing():
    assert parse_entity_field("(8-abstract-giv-s-cf1-1-coref-Magic_%28illusion%29)10)") == [
        ("open", "8", ["abstract", "giv", "s", "cf1", "1", "coref", "Magic_%28illusion%29"],
         True),
        ("close", "10", [], False)]
    with pytest.raises(ValueError):
        parse_entity_field("(x")


def test_malformed_conllu_names_file_and_line():
    with pytest.raises(DatelineError) as exc:
        parse_conllu("# c\n1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n2\tbroken line\n", "f.conllu")
    assert exc.value.code == "malformed-conllu" and exc.value.where == "f.conllu:3"


def test_malformed_source_through_the_importer(tmp_path):
    gum = tmp_path / "gum" / "dep"
    gum.mkdir(parents=True)
    (tmp_path / "gum" / "LICENSE.txt").write_text("x")
    (gum / "GUM_news_bad.conllu").write_text("1\tA\ta\n")
    with pytest.raises(DatelineError) as exc:
        import_gum(SourceReader(tmp_path, record=True))
    assert exc.value.where.endswith("GUM_news_bad.conllu:1")

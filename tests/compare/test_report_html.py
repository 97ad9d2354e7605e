"""The report command and its files: JSONL, self-contained and escaped HTML, deterministic PNGs."""

import json
from html.parser import HTMLParser

import pytest
from compare_data import corpus, perturb

from dateline.cli import main
from dateline.evaluation.errors import error_records
from dateline.evaluation.html import render_page
from dateline.evaluation.plots import confusion_plot, label_f1_plot
from dateline.schemas import Document, LayerInfo, Layers, Mention, Quote, Span, write_jsonl

NASTY = 'Dr. <Ana> & "Bo" 🙂 said: “<script>alert(1)</script>” in Lyon & Co.'


def nasty_docs():
    assert (NASTY[4:9], NASTY[25:52], NASTY[56:60], NASTY[63:65]) == (
        "<Ana>", "“<script>alert(1)</script>”", "Lyon", "Co")
    def m(i, s, e, label):
        return Mention(id=i, start=s, end=e, text=NASTY[s:e], label=label)

    layers = Layers(entities=LayerInfo(status="gold"), quotes=LayerInfo(status="gold"))
    q = Quote(id="q", content=(Span(start=25, end=52, text=NASTY[25:52]),), speaker="a",
              kind="direct")
    gold = Document(id='d<&">', text=NASTY, layers=layers, quotes=(q,),
                    entities=(m("a", 4, 9, "PERSON"), m("b", 13, 15, "PERSON"),
                              m("c", 56, 60, "LOCATION")))
    pred = gold.model_copy(update={"entities": (
        m("a", 4, 9, "PERSON"), m("b", 12, 16, "PERSON"), m("x", 63, 65, "ORGANIZATION"))})
    return [gold], [pred]


class Tags(HTMLParser):
    """Checks that every element is closed in order (the nesting of the marks)."""

    VOID = frozenset({"meta", "input", "img", "br"})

    def __init__(self):
        super().__init__()
        self.stack, self.marks, self.errors = [], [], []

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            self.marks.append(dict(attrs))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def test_text_is_escaped_and_marks_nest():
    gold, pred = nasty_docs()
    page = render_page(gold, error_records(gold, pred), system="<sys>")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)" in page
    assert "&lt;Ana&gt;" in page and "🙂" in page and "&lt;sys&gt;" in page
    assert 'data-doc="d&lt;&amp;&quot;&gt;"' in page
    p = Tags()
    p.feed(page)
    assert not p.errors and p.stack == []
    outcomes = {m["data-outcome"] for m in p.marks if "data-outcome" in m}
    assert outcomes == {"correct", "boundary", "missed", "spurious"}
    assert page.count("<script>") == 1  # only the page's own script


def test_page_is_self_contained():
    gold, pred = nasty_docs()
    page = render_page(gold, error_records(gold, pred), system="s",
                       images={"plot": label_f1_plot({"PERSON": (0.5, 0.4, 0.6)}, title="t")})
    lowered = page.lower()
    for needle in ("http:", "https:", "<link", "@import", "url(", 'src="//'):
        assert needle not in lowered
    assert 'src="data:image/png;base64,' in page


def test_plots_are_deterministic_pngs():
    a = confusion_plot(["A", "B"], [[3, 1], [0, 2]], title="c", missed=[1, 0], spurious=[0, 2])
    b = confusion_plot(["A", "B"], [[3, 1], [0, 2]], title="c", missed=[1, 0], spurious=[0, 2])
    assert a == b and a.startswith(b"\x89PNG")
    assert label_f1_plot({"A": (None, None, None)}, title="x").startswith(b"\x89PNG")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    d = tmp_path_factory.mktemp("report")
    gold = corpus(12)
    pred = perturb(gold, 5, 0.4)
    write_jsonl(gold, d / "gold.jsonl")
    write_jsonl(pred, d / "sys.jsonl")
    code = main(["report", str(d / "gold.jsonl"), str(d / "sys.jsonl"), "--output-dir",
                 str(d / "out"),
                 "--resamples", "100", "--seed", "3"])
    assert code == 0
    return d / "out"


def test_report_command_writes_every_file(written, capsys):
    names = sorted(p.name for p in written.iterdir())
    assert names == ["confusion.png", "errors.jsonl", "index.html", "label_f1.png",
                     "scores.json"]
    recs = [json.loads(line) for line in (written / "errors.jsonl").read_text("utf-8")
            .splitlines()]
    assert {r["layer"] for r in recs} == {"entities", "events", "quotes"}
    assert all({"doc_id", "outcome", "boundary", "gold", "pred"} <= r.keys() for r in recs)
    scores = json.loads((written / "scores.json").read_text("utf-8"))
    assert scores["settings"]["seed"] == 3 and scores["settings"]["resamples"] == 100
    f1 = scores["layers"]["entities"]["metrics"]["strict.PERSON.f1"]["systems"]["sys"]
    assert f1["interval"][0] <= f1["value"] <= f1["interval"][1]
    page = (written / "index.html").read_text("utf-8")
    assert page.count("<article") == 12 and "seed 3" in page


def test_report_refuses_bad_input(tmp_path, capsys):
    gold = corpus(2)
    write_jsonl(gold, tmp_path / "g.jsonl")
    write_jsonl(gold[:1], tmp_path / "p.jsonl")
    assert main(["report", str(tmp_path / "g.jsonl"), str(tmp_path / "p.jsonl"),
                 "--output-dir", str(tmp_path / "o")]) == 1
    assert "document-ids-differ" in capsys.readouterr().err
    assert main(["report", str(tmp_path / "g.jsonl"), str(tmp_path / "nope.jsonl"),
                 "--output-dir", str(tmp_path / "o")]) == 2

"""Region texts in the form Label Studio's web page stores them (line breaks escaped, blanks
collapsed) are accepted on their offsets; real mismatches are refused, saying where they are.
The forms were measured in the real web page (tests/studio/test_studio_browser.py draws such
regions with the mouse); these tests need no server."""

from dateline.studio.convert import task_documents
from dateline.studio.regiontext import mismatch_message, region_text_matches, web_form
from dateline.studio.results import results_document
from dateline.studio.sync import write_pulled

TEXT = ("Alpha said one.\nBeta two.\r\nGamma  double\tspace.\n\n"
        "Delta 🙂 cafe\u0301 end.\rLone x.  \n   Spaced.")


def region(rid, sub, stored=None, nth=0, label="PERSON"):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(sub, start + 1)
    return {"id": rid, "type": "labels", "from_name": "entity", "to_name": "text",
            "value": {"start": start, "end": start + len(sub),
                      "text": sub if stored is None else stored, "labels": [label]}}


# (slice of TEXT, what the web page stored for a region drawn over it)
WEB = [
    ("one.\nBeta", "one.\\nBeta"),                  # LF
    ("two.\r\nGamma", "two.\\n\\nGamma"),           # CRLF: shown, and stored, as two breaks
    ("space.\n\nDelta", "space.\\n\\nDelta"),       # an empty line
    ("end.\rLone", "end.\\nLone"),                  # a lone CR
    ("Gamma  double\tspace", "Gamma double space"),  # blanks collapsed
    ("x.  \n   Spaced", "x.\\nSpaced"),              # none beside a line break
    ("Delta 🙂 cafe\u0301", "Delta 🙂 cafe\u0301"),  # emoji and combining mark as they are
]


def test_web_page_region_texts_are_accepted_with_exact_offsets():
    result = [region(f"r{k}", sub, stored) for k, (sub, stored) in enumerate(WEB)]
    conv = results_document({"text": TEXT, "doc_id": "d"}, result, where="task 1")
    assert conv.problems == []
    got = [(m.start, m.end, m.text) for m in conv.doc.entities]
    want = [(TEXT.index(sub), TEXT.index(sub) + len(sub), sub) for sub, _ in WEB]
    assert got == want  # the pulled text is the task's, code point for code point


def test_web_form_is_what_was_measured():
    assert [web_form(sub) for sub, _ in WEB] == [stored for _, stored in WEB]
    assert web_form("a\u00a0b\u200bc\u00add\fe\vf\u2028g") == "a\u00a0b\u200bc\u00add\fe\vf\u2028g"


def test_a_real_mismatch_is_still_refused():
    bad = [
        ("two.\r\nGamma", "two.\\nGamma"),   # CRLF with one escaped break: another text
        ("one.\nBeta", "one. Beta"),          # a space is no line break
        ("Gamma  double", "Gammadouble"),     # blanks dropped, not collapsed
        ("one.\nBeta", "one.\\nBete"),
    ]
    for sub, stored in bad:
        assert not region_text_matches(stored, sub), (sub, stored)
        conv = results_document({"text": TEXT, "doc_id": "d"}, [region("r", sub, stored)],
                                where="task 1")
        assert conv.doc is None
        assert [(i.check, i.path) for i in conv.problems] == [
            ("studio-text-mismatch", "$.result[0].value.text")]


def test_the_message_shows_the_first_difference_after_a_long_prefix():
    # A CRLF document whose region differs only after 60+ code points: the message names
    # the position and the code points there, not two identical 60-character prefixes.
    text = "Line one of a long quote that goes on and on and on,\r\nand on it goes. Then X."
    start, end = 0, len(text)
    stored = web_form(text).replace("X", "Y")
    msg = mismatch_message(stored, text, start, end)
    i = web_form(text).index("X")
    assert i > 60
    assert f"at code point {i} of both in the web page's form" in msg
    assert "U+0059 LATIN CAPITAL LETTER Y in the region" in msg
    assert "U+0058 LATIN CAPITAL LETTER X in the task text" in msg
    assert "goes. Then Y.'" in msg and "goes. Then X.'" in msg
    # raw texts (an API-made region): the offset in the task text is named too
    raw = mismatch_message(text.replace("X", "Y"), text, 5, 5 + len(text))
    assert f"at code point {text.index('X')} (text offset {5 + text.index('X')})" in raw
    assert "U+000D" not in raw  # the CRLF is not where they differ


def test_a_bad_annotation_is_refused_and_a_good_one_of_the_task_still_written(tmp_path):
    task = {"id": 3, "project": 1, "data": {"text": TEXT, "doc_id": "d"}, "annotations": [
        {"id": 10, "completed_by": 1, "result": [region("a", "two.\r\nGamma", "two.\\n\\nGamma")]},
        {"id": 11, "completed_by": 2, "result": [region("b", "one.\nBeta", "one.\\nBete")]}]}
    report = write_pulled(task_documents(task), tmp_path)
    assert {(e.annotator, e.status) for e in report.entries} == {("user-1", "new"),
                                                                 ("user-2", "invalid")}
    assert [(i.check, i.file) for i in report.problems] == [
        ("studio-text-mismatch", "task 3 annotation 11")]
    assert (tmp_path / "d" / "user-1.json").is_file()
    assert not (tmp_path / "d" / "user-2.json").exists()

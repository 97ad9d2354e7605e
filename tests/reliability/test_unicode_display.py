"""Values that print alike but differ (NFC against NFD, an invisible character) are shown with
their code points, so the message says what differs."""

import json
import unicodedata

from dateline.cli import main
from dateline.schemas import Document, LayerInfo, Layers, Mention, write_jsonl

NFC = unicodedata.normalize("NFC", "Zoé")
NFD = unicodedata.normalize("NFD", "Zoé")


def test_validate_shows_code_points_of_an_nfc_nfd_mismatch(tmp_path, capsys):
    path = tmp_path / "d.jsonl"
    # The stored span text is NFD, the document text NFC: they look the same.
    path.write_text(json.dumps({"id": "d", "text": f"{NFC} left.", "entities": [
        {"id": "m", "start": 0, "end": 3, "text": NFD, "label": "PERSON"}]}) + "\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "text-mismatch" in out
    assert "U+00E9" in out and "U+0065 U+0301" in out


def test_score_shows_code_points_where_gold_and_predicted_texts_differ(tmp_path, capsys):
    def doc(text):
        return Document(id="d", text=text, layers=Layers(entities=LayerInfo(status="gold")),
                        entities=(Mention(id="m", start=0, end=1, text="A", label="PERSON"),))
    write_jsonl([doc(f"A met {NFC}.")], tmp_path / "g.jsonl")
    write_jsonl([doc(f"A met {NFD}.")], tmp_path / "p.jsonl")
    assert main(["score", str(tmp_path / "g.jsonl"), str(tmp_path / "p.jsonl")]) == 1
    err = capsys.readouterr().err
    assert "document-text-differs" in err
    assert "U+00E9" in err and "U+0065 U+0301" in err


def test_visible_differences_are_shown_without_code_points(tmp_path, capsys):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "d", "text": "Ann left.", "entities": [
        {"id": "m", "start": 0, "end": 3, "text": "Bob", "label": "PERSON"}]}) + "\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "'Bob'" in out and "'Ann'" in out and "U+" not in out

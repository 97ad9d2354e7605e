"""A tiny set of sources written for the tests (one GUM, one MEANTIME and the founding
document, a few words each; no source text) and a corpus folder to build them into."""

import json
import shutil
from pathlib import Path

from dateline.build import build, lock_sources
from dateline.sources import sha256_bytes
from dateline.sources.seed import DOC_ID, FILE

REPO = Path(__file__).resolve().parents[1]
GUM = (
    "# newdoc id = GUM_news_tiny\n# meta::title = Tiny\n# text = Ann Lee spoke.\n"
    "1\tAnn\tAnn\tPROPN\tNNP\t_\t3\tnsubj\t_\tEntity=(1-person-new-s-cf1-1-coref-Ann_Lee\n"
    "2\tLee\tLee\tPROPN\tNNP\t_\t1\tflat\t_\tEntity=1)\n"
    "3\tspoke\tspeak\tVERB\tVBD\t_\t0\troot\t_\tSpaceAfter=No\n"
    "4\t.\t.\tPUNCT\t.\t_\t3\tpunct\t_\t_\n\n")
RST = '<rst><header/><body><segment id="1" relname="span">Ann Lee spoke .</segment></body></rst>'
SEED_TEXT = "Bo Ek met Ann."
# Seven MEANTIME documents of one topic: three go to test, three to validation, one to train.
CONLL = "".join(f"corpus_a/{k}\t0\t0\tApple\t-\ncorpus_a/{k}\t0\t1\trose\t-\n"
                for k in range(1, 8))


def meantime_mention(key: str, token: int, text: str, label: str = "ORGANIZATION") -> dict:
    return {"conll_doc_key": key, "sent_id": 0, "tokens_number": [token], "tokens_str": text,
            "mention_id": f"{key}-{token}", "mention_full_type": label, "coref_chain": "c1"}


def seed_annotation(text: str = SEED_TEXT, entities: tuple = ()) -> dict:
    info = {"status": "gold", "annotators": ["tests"], "labels": ["PERSON", "ORGANIZATION",
                                                                  "LOCATION"]}
    return {"id": DOC_ID, "text_sha256": sha256_bytes(text.encode()),
            "meta": {"title": "T", "genre": "news", "collection": "seed"},
            "layers": {"entities": info, "events": {"status": "absent"},
                       "quotes": {"status": "absent"}},
            "entities": list(entities)}


def write_sources(root: Path, *, conll: str = CONLL, mentions: list | None = None,
                  gum: str = GUM, rst: str = RST) -> Path:
    """gum/, meantime/ and seed/ under ``root``; returns ``root``."""
    files = {
        "gum/LICENSE.txt": "test", "gum/splits.md": "## dev\n  * GUM_news_tiny\n",
        "gum/dep/GUM_news_tiny.conllu": gum, "gum/rst/rstweb/GUM_news_tiny.rs4": rst,
        "meantime/LICENSE.txt": "test", "meantime/output_data/en/meantime.conll": conll,
        "meantime/output_data/en/entities_mentions.json": json.dumps(
            [meantime_mention("corpus_a/1", 0, "Apple")] if mentions is None else mentions),
        "meantime/output_data/en/event_mentions.json": "[]",
        f"seed/{FILE}": f" date 2025-08-06 {SEED_TEXT}\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def tiny_corpus(folder: Path, sources: Path, annotation: dict | None = None) -> Path:
    """A corpus folder (the repository's card, this annotation of the founding document) with
    the lock of ``sources``; not built."""
    (folder / "annotations").mkdir(parents=True)
    shutil.copy(REPO / "corpus" / "README.md", folder / "README.md")
    (folder / "annotations" / f"{DOC_ID}.json").write_text(
        json.dumps(annotation or seed_annotation()), encoding="utf-8")
    lock_sources(folder, sources)
    return folder


def built_tiny(tmp_path: Path, **sources) -> tuple[Path, Path]:
    """(corpus, sources) of a tiny corpus built once (``--update``)."""
    src = write_sources(tmp_path / "src", **sources)
    corpus = tiny_corpus(tmp_path / "corpus", src)
    build(corpus, src, update=True)
    return corpus, src

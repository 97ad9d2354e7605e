"""Tagging speed of trained entity extractors side by side, in one process on one core.

Run by hand (not part of the test suite), after the models are trained and cached::

    .venv/bin/python benchmarks/crf_speed.py [--split test] [--reps 3] NAME[=MODEL_DIR] ...

``NAME`` is an extractor name (its cached model for the corpus version is loaded, or
``MODEL_DIR`` when given); ``crf-0.2.1=DIR`` loads a model of the crf as it was at 0.2.1 from
git (``git show 40b2c53:baselines/crf.py``), to compare with today's; ``crf@REF`` is the crf
with all of ``baselines/`` as it was at the git revision ``REF`` (a copy imported under another
package name), so a change to the tagging code can be timed against the code before it, on
the same model, in the same process. Each extractor tags the split's documents ``--reps``
times, in turns, and the best time counts (the machine may be shared: turns spread its load
over every extractor alike). Printed: tokens per second (spaCy's rule-based tokens, as the
benchmark counts them) and the ratio to the first.

``--same`` first checks that every extractor predicts exactly the same documents (entities,
events, quotes and layer information, compared as JSON) on the splits, e.g. that a faster
tagger changed no prediction: ``crf_speed.py --same --split validation,test crf
crf@REF=DIR``. It exits with 1, naming the first document that differs, when they do not.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

OLD_COMMIT = "40b2c53"


def old_crf() -> Any:
    """The crf class of 0.2.1, imported from git (it uses today's tokenizer and lexicon)."""
    source = subprocess.run(["git", "show", f"{OLD_COMMIT}:baselines/crf.py"], check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "crf_021.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("crf_021", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CRFTagger()


def crf_at(ref: str) -> Any:
    """The crf class of ``baselines/`` at git revision ``ref``: the folder is extracted into a
    temporary directory as a package of its own (``dateline.baselines`` renamed in its
    sources), so its modules (features, tokenizer, BIO, lexicon) are those of ``ref`` too."""
    package = "crf_at_" + "".join(c if c.isalnum() else "_" for c in ref)
    root = Path(tempfile.mkdtemp())
    archive = subprocess.run(["git", "archive", ref, "baselines"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    (root / "baselines").rename(root / package)
    for path in (root / package).glob("*.py"):
        source = path.read_text(encoding="utf-8")
        path.write_text(source.replace("dateline.baselines", package), encoding="utf-8")
    sys.path.insert(0, str(root))
    module = importlib.import_module(f"{package}.crf")
    return module.CRFTagger()


def same_predictions(loaded: list[tuple[str, Any]], docs: list[Any]) -> str | None:
    """None when every extractor predicts the same documents as the first, else what differs."""
    from dateline.baselines import extract_all

    first_name, first = loaded[0]
    expected = [d.model_dump_json() for d in extract_all(first, docs)]
    for name, ext in loaded[1:]:
        for doc, want, got in zip(docs, expected, extract_all(ext, docs), strict=True):
            if got.model_dump_json() != want:
                return f"{name} and {first_name} differ on document {doc.id}"
    return None


def main() -> int:
    """Load each extractor, tag the split in turns, print the table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("extractors", nargs="+", metavar="NAME[=MODEL_DIR]")
    p.add_argument("--split", default="test", help="a split, or splits joined by commas")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--same", action="store_true",
                   help="first check that all extractors predict the same documents")
    args = p.parse_args()
    from dateline import loading
    from dateline.baselines import extract_all, get_extractor, strip
    from dateline.baselines.text import tokenize
    from dateline.predicting import prepare

    docs = [strip(d) for split in args.split.split(",") for d in loading.documents(split)]
    tokens = sum(len(tokenize(d.text)) for d in docs)
    loaded = []
    for spec in args.extractors:
        name, _, folder = spec.partition("=")
        ext = (old_crf() if name == "crf-0.2.1" else crf_at(name.partition("@")[2])
               if name.startswith("crf@") else get_extractor(name))
        if folder:
            ext.load(Path(folder))
        else:
            prepare(ext)
        list(extract_all(ext, docs[:2]))  # warm-up
        loaded.append((name, ext))
    if args.same:
        differs = same_predictions(loaded, docs)
        print(differs or f"same predictions on all {len(docs)} documents ({args.split})",
              file=sys.stderr)
        if differs:
            return 1
    best = {name: float("inf") for name, _ in loaded}
    for _ in range(args.reps):
        for name, ext in loaded:
            started = time.process_time()
            list(extract_all(ext, docs))
            best[name] = min(best[name], time.process_time() - started)
    print(f"{len(docs)} documents, {tokens:,} tokens ({args.split}); best of {args.reps} "
          "turns, CPU time of this one process", file=sys.stderr)
    print("| extractor | tokens/s (CPU) | ratio |")
    print("|---|---|---|")
    first = best[loaded[0][0]]
    for name, _ in loaded:
        print(f"| `{name}` | {tokens / best[name]:,.0f} | {first / best[name]:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

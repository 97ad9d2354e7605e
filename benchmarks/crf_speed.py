"""Tagging speed of trained entity extractors side by side, in one process on one core.

Run by hand (not part of the test suite), after the models are trained and cached::

    .venv/bin/python benchmarks/crf_speed.py [--split test] [--reps 3] NAME[=MODEL_DIR] ...

``NAME`` is an extractor name (its cached model for the corpus version is loaded, or
``MODEL_DIR`` when given); ``crf-0.2.1=DIR`` loads a model of the crf as it was at 0.2.1 from
git (``git show 40b2c53:baselines/crf.py``), to compare with today's. Each extractor tags the
split's documents ``--reps`` times, in turns, and the best time counts (the machine may be
shared: turns spread its load over every extractor alike). Printed: tokens per second
(spaCy's rule-based tokens, as the benchmark counts them) and the ratio to the first.
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


def main() -> int:
    """Load each extractor, tag the split in turns, print the table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("extractors", nargs="+", metavar="NAME[=MODEL_DIR]")
    p.add_argument("--split", default="test")
    p.add_argument("--reps", type=int, default=3)
    args = p.parse_args()
    from dateline import loading
    from dateline.baselines import extract_all, get_extractor, strip
    from dateline.baselines.text import tokenize
    from dateline.predicting import prepare

    docs = [strip(d) for d in loading.documents(args.split)]
    tokens = sum(len(tokenize(d.text)) for d in docs)
    loaded = []
    for spec in args.extractors:
        name, _, folder = spec.partition("=")
        ext = old_crf() if name == "crf-0.2.1" else get_extractor(name)
        if folder:
            ext.load(Path(folder))
        else:
            prepare(ext)
        list(extract_all(ext, docs[:2]))  # warm-up
        loaded.append((name, ext))
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

"""Peak memory and time of the ``spacy`` adapter on one long document, chunked or whole.

Run by hand (not part of the test suite; needs the spaCy model)::

    .venv/bin/python benchmarks/spacy_long_text.py [--chars 1100000]

Each variant runs in a fresh process on the same generated text (invented news-like
sentences in paragraphs, seeded): ``whole`` runs the text through the pipeline in one piece
(``max_chunk_chars=None``, the adapter's behaviour before chunking), ``chunked`` with the
default ``max_chunk_chars``. Printed per variant: the process's peak resident memory
(``ru_maxrss``; it includes the loaded model, about 0.2 GB), the seconds of the extraction
alone (wall time; on a loaded machine compare the two as a ratio), the number of entities and
whether the two variants found the same entities.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import time

NAMES = ["Ann Lee", "Bo Chan", "Cy Dee", "Dana Ruiz", "Eli Moss", "Fay Kim", "Gus Park"]
PLACES = ["Oslo", "Lima", "Quito", "Hanoi", "Perth", "Dakar", "Turin"]
BODIES = ["the city council", "Acme Corp", "the Lantern Party", "the harbour board"]
PATTERNS = [
    "{name} said on {day} that {body} would meet again in {place}.",
    "{body} opened a new office in {place} last week.",
    "\u201cWe are ready,\u201d {name} told reporters in {place}.",
    "Officials in {place} expect {name} to visit on {day}.",
    "{name} and {other} discussed the budget of {body} for hours.",
]
DAYS = ["Monday", "Tuesday", "Friday", "March 3", "June 2020"]


def long_text(chars: int, seed: int = 7) -> str:
    """A text of about ``chars`` characters: paragraphs of three to six invented sentences.

    >>> t = long_text(2000)
    >>> 2000 <= len(t) < 2600, "\\n\\n" in t
    (True, True)
    """
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = 0
    while size < chars:
        sentences = [rng.choice(PATTERNS).format(
            name=rng.choice(NAMES), other=rng.choice(NAMES), place=rng.choice(PLACES),
            body=rng.choice(BODIES), day=rng.choice(DAYS)) for _ in range(rng.randint(3, 6))]
        paragraphs.append(" ".join(sentences))
        size += len(paragraphs[-1]) + 2
    return "\n\n".join(paragraphs)


def run(variant: str, chars: int) -> dict[str, object]:
    """Extract the entities of one long document in this process; report memory and time."""
    from dateline.baselines.spacy_ner import MAX_CHUNK_CHARS, SpacyNER
    from dateline.schemas import Document

    text = long_text(chars)
    ner = SpacyNER(max_chunk_chars=None if variant == "whole" else MAX_CHUNK_CHARS)
    started = time.perf_counter()
    out = ner.extract(Document(id="long", text=text))
    seconds = time.perf_counter() - started
    return {"variant": variant, "chars": len(text), "seconds": round(seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "entities": len(out.entities),
            "digest": hashlib.sha256(json.dumps(
                [(m.start, m.end, m.label) for m in out.entities]).encode()).hexdigest()}


def main(argv: list[str] | None = None) -> int:
    """Run both variants side by side, each in a fresh process, and print the results."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--chars", type=int, default=1_100_000)
    p.add_argument("--variant", choices=["whole", "chunked"],
                   help="run only this variant in this process and print its JSON")
    args = p.parse_args(argv)
    if args.variant:
        print(json.dumps(run(args.variant, args.chars)))
        return 0
    results = []
    for variant in ("whole", "chunked"):
        done = subprocess.run([sys.executable, __file__, "--variant", variant, "--chars",
                               str(args.chars)], capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    same = results[0]["digest"] == results[1]["digest"]
    for r in results:
        print(f"{r['variant']:8} {r['chars']:>9,} chars: peak RSS {r['peak_rss_mb']:,} MB, "
              f"{r['seconds']} s, {r['entities']:,} entities")
    print(f"same entities: {same}; peak RSS ratio chunked/whole: "
          f"{results[1]['peak_rss_mb'] / results[0]['peak_rss_mb']:.2f}; time ratio: "
          f"{results[1]['seconds'] / max(results[0]['seconds'], 0.1):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Helpers of the release tests: tiny hand-written documents and temporary git repositories
(never source text)."""

import subprocess
from pathlib import Path

from dateline.schemas import Document, Event, LayerInfo, Layers, Mention, Quote, Span

REPO = Path(__file__).resolve().parents[2]


def doc(doc_id, text="Ann Lee met Bo in Oslo.", labels=("PERSON", "PERSON", "LOCATION"), **kw):
    """A tiny Document: mentions m1..m3 over 'Ann Lee', 'Bo', 'Oslo', an event, a quote."""
    spans = [(0, 7), (12, 14), (18, 22)]
    ents = tuple(Mention(id=f"m{i + 1}", start=a, end=b, text=text[a:b], label=lab, kind="named")
                 for i, ((a, b), lab) in enumerate(zip(spans, labels, strict=False)))
    ev = (Event(id="e1", trigger=Span(start=8, end=11, text=text[8:11]), type="Contact.Meet"),)
    qu = (Quote(id="q1", content=(Span(start=0, end=22, text=text[:22]),), kind="indirect",
                speaker="m1"),)
    info = LayerInfo(status="gold", source="test", labels=("PERSON", "LOCATION"))
    fields = {"entities": ents, "events": ev, "quotes": qu,
              "layers": Layers(entities=info, events=info, quotes=info)}
    fields.update(kw)
    return Document(id=doc_id, text=text, **fields)


def git(repo, *args):
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True).stdout


def init_repo(path):
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "test@example.org")
    git(path, "config", "user.name", "Test")
    git(path, "config", "commit.gpgsign", "false")
    git(path, "config", "tag.gpgsign", "false")
    return path


def commit_all(repo, message):
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()



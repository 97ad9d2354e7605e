"""``dateline corpus release X.Y.Z``: bump, rebuild, diff against the last release, changelog.

Steps, each refusing with a coded error before anything is written: the version is ``X.Y.Z``
and greater than the card's; its tag does not exist; the git tree is clean; there is a previous
release (the highest ``corpus-vX.Y.Z`` tag, or ``since``); the changes link at least one issue
(``issues``, else the ``(#N)`` references of the commit messages since that release). Then the
version goes into every ``configs:`` entry of the card, the corpus is rebuilt (validated at
level 4; stats.json and MANIFEST regenerated; on failure the card is restored), the previous
release is built at its own revision and diffed with the new build, and a dated CHANGELOG entry
generated from that diff is inserted (the previous release is built first, so a failure there
writes nothing). The tag is never created here: the caller prints
``git tag corpus-vX.Y.Z`` for after the commit.

>>> bump_card_version("---\\nconfigs:\\n- config_name: a\\n  version: 0.1.0\\n---\\nbody 0.1.0\\n",
...                   "0.1.0", "0.2.0")
'---\\nconfigs:\\n- config_name: a\\n  version: 0.2.0\\n---\\nbody 0.1.0\\n'
>>> issues_in(["Fix quotes (#3)", "Releases (#8, #3)", "no issue"])
[3, 8]
>>> insert_entry("# Changelog\\n\\nIntro.\\n\\n## 0.1.0 — 2026-01-01\\n\\n- First (#3).\\n",
...              "## 0.2.0 — 2026-02-01\\n\\n- More (#8).\\n").splitlines()[4]
'## 0.2.0 — 2026-02-01'
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dateline.diff import LAYERS, CorpusDiff, diff_folders
from dateline.gitrev import (
    Builder,
    build_revision,
    git,
    parse_version,
    python_builder,
    release_tags,
    resolve_revision,
    status_porcelain,
    tag_name,
)
from dateline.schemas import DatelineError, atomic_write_text

__all__ = ["ReleaseResult", "bump_card_version", "changelog_entry", "insert_entry", "issues_in",
           "release"]

BuildFn = Callable[..., Any]  # dateline.build.build(corpus, sources, *, update, step)


@dataclass
class ReleaseResult:
    """What a release did: versions, the previous release, issues, the diff and the entry.

    >>> r = ReleaseResult("0.2.0", "0.1.0", "corpus-v0.1.0", [8], CorpusDiff(),
    ...                   "## 0.2.0 — 2026-02-01\\n", "git tag corpus-v0.2.0")
    >>> r.diff.empty, r.tag_command
    (True, 'git tag corpus-v0.2.0')
    """

    version: str
    previous_version: str
    since: str
    issues: list[int]
    diff: CorpusDiff
    entry: str
    tag_command: str


def bump_card_version(card: str, old: str, new: str) -> str:
    """The card with ``version: old`` replaced by ``new`` in its YAML front matter only.

    >>> card = "---\\nconfigs:\\n- config_name: a\\n  version: '0.1.0'\\n---\\nSince 0.1.0.\\n"
    >>> print(bump_card_version(card, "0.1.0", "0.1.1"), end="")
    ---
    configs:
    - config_name: a
      version: '0.1.1'
    ---
    Since 0.1.0.
    >>> bump_card_version(card, "0.3.0", "0.4.0")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [card-version] no 'version: 0.3.0' in the card's ...
    """
    m = re.match(r"---\n(.*?\n)---\n", card, re.S)
    if m is None:
        raise DatelineError("card-malformed", "the card has no YAML front matter",
                            fix="restore corpus/README.md")
    head, n = re.subn(rf"(?m)^([ \t]*-?[ \t]*version:[ \t]*)(['\"]?){re.escape(old)}\2[ \t]*$",
                      rf"\g<1>\g<2>{new}\g<2>", m.group(1))
    if n == 0:
        raise DatelineError("card-version", f"no 'version: {old}' in the card's configs",
                            fix="write the version inside every configs: entry")
    return f"---\n{head}---\n{card[m.end():]}"


def issues_in(messages: Iterable[str]) -> list[int]:
    """Issue numbers referenced as ``(#N)`` or ``(#N, #M)`` in commit messages, sorted.

    >>> issues_in(["Split modules (#11)", "See #4, not a reference", "Both (#2, #11)"])
    [2, 11]
    """
    found = set()
    for msg in messages:
        for group in re.findall(r"\((#\d+(?:\s*,\s*#\d+)*)\)", msg):
            found.update(int(x) for x in re.findall(r"#(\d+)", group))
    return sorted(found)


def _ids(ids: list[str], limit: int = 8) -> str:
    shown = ", ".join(f"`{i}`" for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def changelog_entry(version: str, date: str, d: CorpusDiff, issues: list[int],
                    since: str) -> str:
    """A dated CHANGELOG entry generated from a diff; every bullet links the issues.

    Only ids, labels and counts: never document text (it may be source text).

    >>> from dateline.diff import diff_documents
    >>> from dateline.schemas import Document
    >>> a = {"d1": ("test", Document(id="d1", text="One."))}
    >>> b = {**a, "d2": ("test", Document(id="d2", text="Two."))}
    >>> print(changelog_entry("0.2.0", "2026-02-01", diff_documents(a, b), [8], "0.1.0"))
    ## 0.2.0 — 2026-02-01
    <BLANKLINE>
    - Documents since 0.1.0: 1 added (`d2`) (#8).
    <BLANKLINE>
    """
    refs = " (" + ", ".join(f"#{i}" for i in issues) + ")"
    bullets = []
    s = d.summary()
    if d.empty:
        bullets.append(f"No change to the built documents since {since}: card, statistics and "
                       "tooling only")
    else:
        docs = []
        for key, ids, items in (("added", d.documents_added, d.items_in_added),
                                ("removed", d.documents_removed, d.items_in_removed)):
            if ids:
                n = ", ".join(f"{items[k]:,} {k}" for k in LAYERS if items.get(k))
                docs.append(f"{len(ids)} {key} ({_ids(ids)}{'; ' + n if n else ''})")
        if d.documents_changed:
            docs.append(f"{len(d.documents_changed)} changed")
        bullets.append(f"Documents since {since}: {'; '.join(docs)}")
    if d.text_changed:
        bullets.append(f"**Text changed** in {len(d.text_changed)} document(s) "
                       f"({_ids([c.doc for c in d.text_changed])}): offsets into them may have "
                       "moved")
    for name in LAYERS:
        c = s[name]
        if not any(c.values()):
            continue
        relabel = Counter(f"{x.before} → {x.after}" for x in d.layers[name].changed
                          if x.before != x.after)
        detail = ", ".join(f"{k} ×{v}" for k, v in relabel.most_common(5))
        bullets.append(f"{name.capitalize()} in documents of both versions: {c['added']:,} "
                       f"added, {c['removed']:,} removed, {c['changed']:,} changed"
                       + (f" (labels: {detail})" if detail else ""))
    kinds = Counter(c.kind for c in d.document_changes)
    for kind, n in sorted(kinds.items()):
        what = {"split": "moved to another split", "meta": "with changed metadata"}.get(
            kind, f"with changed {kind.split(':')[-1]} layer provenance")
        extra = ""
        if kind.startswith("layer:"):
            moves = Counter(f"{c.before['status']} → {c.after['status']}"
                            for c in d.document_changes
                            if c.kind == kind and "status" in c.before)
            extra = f" (status {', '.join(f'{k} ×{v}' for k, v in moves.items())})" if moves \
                else ""
        bullets.append(f"{n} document(s) {what}{extra}")
    return f"## {version} — {date}\n\n" + "".join(f"- {b}{refs}.\n" for b in bullets)


def insert_entry(changelog: str, entry: str) -> str:
    """``changelog`` with ``entry`` before its first ``## `` entry (newest first).

    >>> insert_entry("# Changelog\\n", "## 0.1.0 — 2026-01-01\\n\\n- First (#1).\\n")
    '# Changelog\\n\\n## 0.1.0 — 2026-01-01\\n\\n- First (#1).\\n'
    """
    m = re.search(r"(?m)^## ", changelog)
    if m is None:
        return changelog.rstrip("\n") + "\n\n" + entry
    return changelog[:m.start()] + entry + "\n" + changelog[m.start():]


def _previous(repo: Path, since: str | None) -> tuple[str, str]:
    if since is not None:
        commit = resolve_revision(repo, since)
        if commit is None:
            raise DatelineError("unknown-revision", f"--since {since!r} is no git revision",
                                fix="pass a tag or commit of the previous release", exit_code=2)
        return since, commit
    tags = release_tags(repo)
    if not tags:
        raise DatelineError("release-no-previous", "no corpus-vX.Y.Z tag marks a previous "
                            "release, so there is nothing to diff against",
                            fix="tag the previous release (git tag corpus-v0.1.0 <commit>) or "
                                "pass --since REV", exit_code=2)
    name = tags[-1][1]
    return name, resolve_revision(repo, name) or name


def release(corpus: str | os.PathLike[str], sources: str | os.PathLike[str], version: str, *,
            issues: Iterable[int] = (), since: str | None = None, date: str | None = None,
            say: Callable[[str], None] | None = None, builder: Builder = python_builder,
            build_fn: BuildFn | None = None) -> ReleaseResult:
    """Release the corpus in ``corpus`` as ``version`` (see the module docstring).

    A release needs a clean git clone and a build; here the checks that come before either:

    >>> import tempfile
    >>> corpus = Path(tempfile.mkdtemp())
    >>> _ = (corpus / "README.md").write_text(
    ...     "---\\nconfigs:\\n- config_name: default\\n  version: 0.2.0\\n---\\n# Card\\n")
    >>> release(corpus, "sources", "0.2")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [release-bad-version] '0.2' is not a version X.Y.Z...
    >>> release(corpus, "sources", "0.1.9")
    Traceback (most recent call last):
    ...
    dateline.schemas.errors.DatelineError: [release-version-not-greater] 0.1.9 is not greater...
    """
    from dateline.build import build, card_version

    step = say or (lambda _: None)
    corpus, sources = Path(corpus).resolve(), Path(sources).resolve()
    card_path, log_path = corpus / "README.md", corpus / "CHANGELOG.md"
    current = card_version(card_path)
    new, old = parse_version(version), parse_version(current)
    if new is None:
        raise DatelineError("release-bad-version", f"{version!r} is not a version X.Y.Z",
                            fix="e.g. dateline corpus release 0.2.0", exit_code=2)
    if old is not None and new <= old:
        raise DatelineError("release-version-not-greater", f"{version} is not greater than the "
                            f"current version {current}", fix="choose a greater version",
                            exit_code=2)
    when = date or dt.datetime.now(dt.UTC).date().isoformat()
    try:
        dt.date.fromisoformat(when)
    except ValueError as exc:
        raise DatelineError("release-bad-date", f"{when!r} is not YYYY-MM-DD",
                            exit_code=2) from exc
    try:
        repo = Path(git(corpus, "rev-parse", "--show-toplevel").strip())
    except DatelineError as exc:
        raise DatelineError("release-not-git", f"{corpus} is not in a git repository",
                            fix="release from a clone of the corpus repository") from exc
    if any(name == tag_name(version) for _, name in release_tags(repo)):
        raise DatelineError("release-tag-exists", f"tag {tag_name(version)} exists already",
                            fix="choose another version", exit_code=2)
    dirty = status_porcelain(repo)
    if dirty:
        raise DatelineError("release-dirty-tree", f"{len(dirty)} uncommitted change(s), e.g. "
                            f"{dirty[0].strip()!r}", where=str(repo),
                            fix="commit or remove them: a release is built from committed files")
    since_name, since_commit = _previous(repo, since)
    linked = sorted(set(issues)) or issues_in(
        git(repo, "log", "--format=%B%x00", f"{since_commit}..HEAD").split("\0"))
    if not linked:
        raise DatelineError("release-no-issue", f"no issue is linked to the changes since "
                            f"{since_name}", fix="pass --issue N (repeatable), or reference "
                            "the issue in the commit messages as (#N)", exit_code=2)
    card, changelog = card_path.read_text("utf-8"), (log_path.read_text("utf-8")
                                                     if log_path.exists() else
                                                     "# Changelog of the dateline corpus\n")
    with tempfile.TemporaryDirectory(prefix="dateline-release-") as tmp:
        step(f"building the previous release {since_name} at its own revision")
        before = build_revision(repo, since_commit, sources, Path(tmp), builder=builder)
        atomic_write_text(card_path, bump_card_version(card, current, version))
        try:
            step(f"building {version} (validated at level 4; stats.json and MANIFEST "
                 "regenerated)")
            (build_fn or build)(corpus, sources, update=True, step=step)
        except BaseException:
            atomic_write_text(card_path, card)
            raise
        d = diff_folders(before, corpus, a_name=since_name, b_name=version)
    entry = changelog_entry(version, when, d, linked, since_name)
    atomic_write_text(log_path, insert_entry(changelog, entry))
    return ReleaseResult(version, current, since_name, linked, d, entry,
                         f"git tag {tag_name(version)}")

"""CITATION.cff names dateline at its package version and cites every source the corpus
reads; nothing in the repository cites a file outside it."""

import json
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_citation_file_is_valid_cff_at_the_package_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text("utf-8"))
    from dateline.schemas.version import __version__ as version  # pyproject reads it there

    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dynamic"] == [
        "version"]
    assert cff["cff-version"] == "1.2.0" and cff["version"] == version
    from importlib.metadata import version as installed

    assert installed("dateline") == version  # the installed package was built with it
    assert cff["title"].startswith("dateline") and cff["authors"] and cff["message"]
    for ref in cff["references"]:
        assert ref["type"] in {"article", "conference-paper", "data", "website", "software"}
        assert ref["title"] and ref["authors"]


def test_every_locked_source_is_cited():
    text = (ROOT / "CITATION.cff").read_text("utf-8")
    lock = json.loads((ROOT / "corpus" / "sources.lock").read_text("utf-8"))
    for source in lock["sources"]:
        if source["repository"].startswith("https://"):
            assert source["repository"].removeprefix("https://github.com/") in text
            assert source["commit"] in text, source["name"]


def test_nothing_cites_a_file_outside_the_repository():
    # the names of the design notes kept beside the repository, never part of it
    names = ["DESIGN" + ".md", "STYLE" + ".md", "scoring" + "-anchors", "shared/" + "notes"]
    for name in names:
        found = subprocess.run(["git", "grep", "-n", "-F", name, "--", "."], cwd=ROOT,
                               capture_output=True, text=True, check=False).stdout
        assert not found, f"{name} is cited:\n{found}"

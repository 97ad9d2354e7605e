"""The registry: built-ins, settings, errors, and a third-party plug-in found by entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.baselines import Extractor, available, get_extractor, layers_of
from dateline.schemas import DatelineError, Document, check_document

PLUGIN = Path(__file__).parent.parent / "data" / "plugin"


def test_builtins_are_listed_and_built() -> None:
    infos = available()
    for name in ("quotes-rules", "events-rules", "crf", "spacy", "quote-marks", "lexicon"):
        assert infos[name].origin == "built-in"
    assert infos["lexicon"].reference and not infos["crf"].reference
    ext = get_extractor("quotes-rules")
    assert isinstance(ext, Extractor)
    assert layers_of(ext) == ("quotes",)


def test_unknown_name_and_bad_setting_are_coded_errors() -> None:
    with pytest.raises(DatelineError) as err:
        get_extractor("no-such-extractor")
    assert err.value.code == "unknown-extractor"
    with pytest.raises(DatelineError) as err:
        get_extractor("quotes-rules", colour="red")
    assert err.value.code == "bad-setting"


def test_untrained_extractor_says_how_to_train() -> None:
    with pytest.raises(DatelineError) as err:
        get_extractor("crf").extract(Document(id="d", text="Hi."))
    assert err.value.code == "extractor-not-trained"
    assert "dateline train crf" in str(err.value)


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory) -> Path:
    """The example plug-in package, installed with pip into a temporary folder."""
    work = tmp_path_factory.mktemp("plugin")
    source = work / "src"
    shutil.copytree(PLUGIN, source)  # build from a copy, so nothing is written into tests/
    target = work / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--disable-pip-version-check", "--target", str(target), str(source)],
                   check=True, capture_output=True, timeout=300)
    return target


def run_with(plugin: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(plugin), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_plugin_installs_and_is_found(plugin_dir: Path) -> None:
    out = run_with(plugin_dir, """
import json
from dateline.baselines import available, get_extractor
from dateline.schemas import Document, check_document
info = available()["example-caps"]
ext = get_extractor("example-caps", label="ORGANIZATION")
doc = ext.extract(Document(id="d", text="Acme hired Bo today."))
print(json.dumps({"origin": info.origin, "mentions": [m.text for m in doc.entities],
                  "labels": doc.layers.entities.labels, "source": doc.layers.entities.source,
                  "incidents": len(check_document(doc))}))
""")
    got = json.loads(out)
    assert got == {"origin": "dateline-example-plugin", "mentions": ["Acme", "Bo"],
                   "labels": ["ORGANIZATION"], "source": "example-caps@0.1.0", "incidents": 0}


def test_plugin_is_not_visible_without_its_folder() -> None:
    assert "example-caps" not in available()


def test_extractors_command_lists_the_plugin(plugin_dir: Path) -> None:
    out = run_with(plugin_dir, """
from dateline.cli import main
raise SystemExit(main(["extractors", "--format", "json"]))
""")
    rows = {row["name"]: row for row in json.loads(out)}
    assert rows["example-caps"]["origin"] == "dateline-example-plugin"
    assert rows["quotes-rules"]["layers"] == ["quotes"]


def test_output_of_a_builtin_is_silver_with_its_labels() -> None:
    out = get_extractor("quote-marks").extract(Document(id="d", text='"Hi there," she said.'))
    assert out.layers.quotes.status == "silver"
    assert out.layers.quotes.source == "quote-marks@0.1.0"
    assert out.layers.quotes.labels == ("direct",)
    assert out.layers.entities.status == "absent"
    assert check_document(out) == []

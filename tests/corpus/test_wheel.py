"""A wheel of dateline, installed outside the repository, builds the corpus into a folder of the
user's choice and benchmarks from another folder.

The wheel is built by ``pip wheel <copy of the working tree> --no-deps`` (a copy: setuptools'
``build/`` folder of the checkout could hold stale modules). It is installed with ``pip install
--no-deps`` into a fresh venv created outside the repository; the venv reaches the already
installed dependencies (not dateline) through a ``.pth`` line naming the test environment's
``site-packages``, so the test needs no network and takes seconds, not the minutes a full
dependency install takes. The test checks that the ``dateline`` imported there is the wheel's,
that the wheel carries no built data, and that nothing of the checkout is on its path.
"""

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from dateline.location import TEMPLATE_FILES

REPO = Path(__file__).resolve().parents[2]


def _tree_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                         cwd=REPO, capture_output=True, check=True).stdout
    return [p for p in out.decode().split("\0") if p and (REPO / p).is_file()]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv python, its bin folder, a clean environment, the temporary root) of a venv with
    the wheel installed."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    for rel in _tree_files():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, src / rel)
    dist = root / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--quiet",
                    "--disable-pip-version-check", "-w", str(dist)], check=True,
                   capture_output=True)
    (wheel,) = dist.glob("dateline-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                              "['purelib'])"], capture_output=True, text=True,
                             check=True).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "_test_deps.pth").write_text("".join(f"{p}\n" for p in sorted(deps)))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                    "--no-deps", "--no-index", "--quiet", "--disable-pip-version-check",
                    str(wheel)], check=True, capture_output=True)
    home = root / "home"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATELINE_", "PYTHON", "VIRTUAL_ENV", "XDG_", "HF_"))}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"),
               XDG_CACHE_HOME=str(home / "cache"), HF_HOME=str(home / "hf"),
               HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", PATH=f"{venv / 'bin'}:"
               f"{env.get('PATH', '')}")
    return python, venv / "bin", env, root, wheel


def _run(args, cwd, env, timeout=600):
    cwd.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"{args}: {proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def test_wheel_ships_the_corpus_template_and_no_built_data(installed):
    *_, wheel = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert not [n for n in names if "/data/" in n and n.startswith("dateline/corpus_template")]
    shipped = {n.removeprefix("dateline/corpus_template/") for n in names
               if n.startswith("dateline/corpus_template/")}
    from dateline.location import template_dir, template_files

    wanted = {p.relative_to(template_dir()).as_posix() for p in template_files()}
    assert shipped == wanted
    meta = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert meta["tool"]["setuptools"]["package-data"]["dateline.corpus_template"] == list(
        TEMPLATE_FILES)


def test_installed_wheel_resolves_nothing_from_the_checkout(installed):
    python, _, env, root, _ = installed
    out = _run([str(python), "-c", "import sys, dateline, dateline.location as L; "
                "print(dateline.__file__); print(L.checkout_root()); print(dateline.corpus_path());"
                "print(L.template_dir()); print(repr(sys.path))"], root / "elsewhere", env)
    file, checkout, corpus, template, path = out.splitlines()
    assert file.startswith(str(root / "venv")) and str(REPO) not in "".join(out.splitlines()[:4])
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    assert [p for p in ast.literal_eval(path)
            if p.startswith(str(REPO)) and p not in deps] == []  # only the dependencies
    assert checkout == "None"
    assert corpus == str(root / "home" / "data" / "dateline" / "corpus")  # the per-user default
    assert Path(template, "sources.lock").is_file()


def test_wheel_builds_the_corpus_in_any_folder_and_benchmarks_from_another(installed,
                                                                             sources_dir):
    python, bin_dir, env, root, _ = installed
    corpus = root / "my corpus"
    _run([str(bin_dir / "dateline"), "corpus", "build", "--quiet", "--corpus", str(corpus),
          "--sources", str(sources_dir)], root / "somewhere", env)
    # the same bytes as the release: the committed MANIFEST matched, nothing was updated
    assert (corpus / "MANIFEST").read_bytes() == (REPO / "corpus" / "MANIFEST").read_bytes()
    assert (corpus / "data" / "default" / "test-00000-of-00001.jsonl").is_file()
    env = {**env, "DATELINE_CORPUS": str(corpus)}
    out = _run([str(bin_dir / "dateline"), "benchmark", "--quiet", "--format", "markdown",
                "--extractors", "quote-marks", "--resamples", "50", "--trials", "50"],
               root / "another", env)
    assert out.startswith("|") and "quote-marks" in out
    assert (root / "another" / "out" / "benchmark" / "report.json").is_file()
    # load and load_dataset(<path>) from yet another folder, fresh caches
    out = _run([str(python), "-c", "import sys, datasets, dateline; "
                "ds = dateline.load('test'); "
                "hf = datasets.load_dataset(sys.argv[1], split='test', cache_dir='hf-cache'); "
                "print(ds.num_rows, hf.num_rows, dateline.from_hf(hf[0]).id == hf[0]['id'])",
                str(corpus)], root / "third", env)
    n, m, same = out.split()[-3:]
    assert n == m and int(n) > 10 and same == "True"

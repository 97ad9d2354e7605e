"""The ``dateline.evaluation`` package: its public names resolve on first use to the objects
of the modules that define them, and ``score`` does not import the comparison's modules."""

import importlib
import subprocess
import sys

import pytest

import dateline.evaluation as evaluation


def test_every_public_name_is_its_modules_object():
    for name in evaluation.__all__:
        value = getattr(evaluation, name)
        source = evaluation._LAZY.get(name, "dateline.evaluation.layers")
        assert value is getattr(importlib.import_module(source), name), name
    assert set(evaluation.__all__) <= set(dir(evaluation))


def test_layers_stays_the_function_after_its_module_is_imported():
    import dateline.evaluation.layers  # noqa: F401 - the module of the same name

    assert callable(evaluation.layers)
    assert evaluation.layers is importlib.import_module("dateline.evaluation.layers").layers


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_scorer"):
        evaluation.no_such_scorer  # noqa: B018


def test_importing_the_package_imports_only_the_layer_registry():
    code = ("import sys, dateline.evaluation\n"
            "print(sorted(m for m in sys.modules if m.startswith('dateline.evaluation')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    for heavy in ("compare", "compare_layer", "power", "tables", "error_report", "html",
                  "plots", "agreement", "significance"):
        assert f"'dateline.evaluation.{heavy}'" not in out, heavy
    assert "'dateline.evaluation.layers'" in out

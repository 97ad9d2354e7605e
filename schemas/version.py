"""The version of dateline: the one place it is written (``pyproject.toml`` reads it, as
``dynamic = ["version"]``), so that reporting it costs an attribute, not ``importlib.metadata``
(which reads the installed distributions: a fiftieth of a ``dateline score`` run).

>>> __version__.count(".") >= 1
True
"""

__all__ = ["__version__"]

__version__ = "0.1.0"

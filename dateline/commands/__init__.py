"""The subcommands of the ``dateline`` CLI, one module each with ``register`` and ``run``.

Each module parses arguments only and calls a pure, importable function that does the work
(spaCy's ``cli/evaluate.py`` pattern), so everything the CLI does can be done from Python.
"""

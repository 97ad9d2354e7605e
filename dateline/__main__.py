"""``python -m dateline`` runs the CLI."""

from dateline.cli import _entry

# Guarded: the workers of --engine dask are spawned processes that import the main module.
if __name__ == "__main__":
    _entry()

"""``python -m dateline`` runs the CLI."""

from dateline.cli import _entry

# Guarded: the workers of --engine dask (forks of a fork server, or spawned) import the main
# module again.
if __name__ == "__main__":
    _entry()

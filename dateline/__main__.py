"""``python -m dateline`` runs the CLI."""

from dateline.cli import _entry

_entry()

"""Names the model, the fast path and the checks share, in a module that imports nothing (so
reading Documents with the fast path does not import pydantic for them).

>>> LAYERS
('entities', 'events', 'quotes')
"""

from __future__ import annotations

__all__ = ["LAYERS"]

LAYERS: tuple[str, ...] = ("entities", "events", "quotes")
"""The annotation layers of a Document, in order: the one place that lists them (the fields of
:class:`~dateline.schemas.Layers` and of its struct are held equal to it)."""

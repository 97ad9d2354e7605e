"""What a gold layer covers: which documents are scored, and which predictions can be wrong.

A document is scored for a layer only when its gold layer has one of the requested statuses
(default ``gold``); other documents are skipped and counted by reason (``absent``, or the
status). Inside a scored document, a prediction that matches nothing counts as spurious only
when the gold layer covers it: its label is among ``LayerInfo.labels`` (an empty tuple means
the layer did not say, and every label counts), it lies entirely inside one of
``LayerInfo.regions`` (null: the whole text), and it overlaps no gold item excluded by a
filter (for instance a nominal mention when only named mentions are scored). On a layer of
``partial`` coverage (``LayerInfo.coverage``: what is there is right, what is missing is
unknown) no unmatched prediction counts: such a document enters recall, never precision.

>>> from dateline.schemas import LayerInfo, Region
>>> s = Scope.of(LayerInfo(status="gold", labels=("PERSON",), regions=(Region(start=0, end=50),)))
>>> s.counts_spurious(10, 20, "PERSON"), s.counts_spurious(10, 20, "TIME")
(True, False)
>>> s.counts_spurious(40, 60, "PERSON")
False
>>> Scope.of(LayerInfo(status="gold", coverage="partial")).counts_spurious(0, 5, "PERSON")
False
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # annotations only (the fast path's structs are read the same way)
    from dateline.schemas.model import LayerInfo


__all__ = ["FULL_SCOPE", "Scope", "skip_reason"]


@dataclass(frozen=True)
class Scope:
    """Coverage of one document's gold layer (see module doc).

    ``labels``: covered labels, or None for all. ``regions``: ``(start, end)`` ranges, or None
    for the whole text. ``zones``: spans of gold items removed by a filter. ``partial``: the
    layer's coverage is partial, so no unmatched prediction counts.

    >>> FULL_SCOPE.is_full, Scope(zones=((0, 4),)).counts_spurious(2, 6, "PERSON")
    (True, False)
    """

    labels: frozenset[Any] | None = None
    regions: tuple[tuple[int, int], ...] | None = None
    zones: tuple[tuple[int, int], ...] = field(default=())
    partial: bool = False

    @classmethod
    def of(cls, info: LayerInfo, zones: Sequence[tuple[int, int]] = ()) -> Scope:
        """The scope a gold layer declares."""
        regions = None if info.regions is None else tuple((r.start, r.end) for r in info.regions)
        return cls(frozenset(info.labels) or None, regions, tuple(zones),
                   info.coverage == "partial")

    @property
    def is_full(self) -> bool:
        """True when every prediction is in scope."""
        return (self.labels is None and self.regions is None and not self.zones
                and not self.partial)

    def counts_spurious(self, start: int, end: int, label: Any) -> bool:
        """Whether an unmatched prediction ``[start, end)`` with ``label`` counts as spurious."""
        if self.partial:
            return False
        # A null label (an untyped prediction) is judged by position only.
        if self.labels is not None and label is not None and label not in self.labels:
            return False
        if self.regions is not None and not any(rs <= start and end <= re
                                                for rs, re in self.regions):
            return False
        return not any(zs < end and start < ze for zs, ze in self.zones)


FULL_SCOPE = Scope()


def skip_reason(info: LayerInfo, statuses: Sequence[str]) -> str | None:
    """Why a document's gold layer is not scored (``absent`` or its status), or None.

    >>> from dateline.schemas import LayerInfo
    >>> skip_reason(LayerInfo(status="silver"), ("gold",)), skip_reason(LayerInfo(), ("gold",))
    ('silver', 'absent')
    """
    if info.status == "absent":
        return "absent"
    return None if info.status in statuses else info.status

"""Hypothesis strategies for valid Documents, shared by the property tests."""

from hypothesis import strategies as st

from dateline.schemas import (
    Argument,
    Document,
    Event,
    LayerInfo,
    Layers,
    Mention,
    Meta,
    Quote,
    Span,
    inventory,
)

__all__ = ["ALPHABET", "documents", "spans"]

INV = inventory()
# Text with the characters that break offset arithmetic elsewhere: curly quotes, dashes,
# astral emoji with modifiers, combining accents, CRLF, NBSP.
ALPHABET = st.sampled_from([*"abc XYZ.,\n\r\t\u00a0“”‘’—é", "e\u0301", "👍🏽", "🇺🇦", "’"])


@st.composite
def spans(draw, text: str) -> Span:
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return Span(start=start, end=end, text=text[start:end])


@st.composite
def documents(draw) -> Document:
    text = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=40)))
    n = draw(st.integers(0, 4))
    mentions = []
    for i in range(n):
        s = draw(spans(text))
        mentions.append(Mention(
            id=f"m{i}", start=s.start, end=s.end, text=s.text,
            label=draw(st.sampled_from(INV.entity_labels)),
            kind=draw(st.sampled_from([*INV.mention_kinds, None])),
            entity=draw(st.sampled_from([None, "e1", "e2"])),
            link=draw(st.sampled_from([None, "Kyiv", "Q1899"])),
            source_label=draw(st.sampled_from([None, "person", "place"]))))
    events = []
    for i in range(draw(st.integers(0, 2))):
        etype = draw(st.sampled_from([None, *INV.event_types]))
        roles = INV.event_roles.get(etype or "", INV.roles)
        args = []
        for _ in range(draw(st.integers(0, 2))):
            if mentions and draw(st.booleans()):
                args.append(Argument(role=draw(st.sampled_from(roles)),
                                     mention=draw(st.sampled_from(mentions)).id))
            else:
                args.append(Argument(role=draw(st.sampled_from(roles)), span=draw(spans(text))))
        attrs = draw(st.dictionaries(st.sampled_from(sorted(INV.event_attributes)),
                                     st.just(""), max_size=2))
        attrs = {k: draw(st.sampled_from(INV.event_attributes[k])) for k in attrs}
        events.append(Event(id=f"v{i}", trigger=draw(spans(text)), type=etype,
                            arguments=tuple(args), attributes=attrs))
    quotes = []
    for i in range(draw(st.integers(0, 2))):
        speaker = draw(st.sampled_from([None, *[m.id for m in mentions]]))
        speaker_span = draw(st.one_of(st.none(), spans(text))) if speaker is None else None
        quotes.append(Quote(
            id=f"q{i}", content=tuple(draw(st.lists(spans(text), min_size=1, max_size=3))),
            cue=draw(st.one_of(st.none(), spans(text))), speaker=speaker,
            speaker_span=speaker_span, kind=draw(st.sampled_from(INV.quote_kinds))))

    def layer(items: list, labels: tuple[str, ...]) -> LayerInfo:
        if not items and draw(st.booleans()):
            return LayerInfo()
        return LayerInfo(status=draw(st.sampled_from(["gold", "draft", "silver"])),
                         source="test", annotators=("a",), labels=labels)

    return Document(
        id=draw(st.text(min_size=1, max_size=8)), text=text,
        meta=Meta(title=draw(st.one_of(st.none(), st.text(max_size=10))),
                  published=draw(st.one_of(st.none(), st.dates().map(str)))),
        entities=tuple(mentions), events=tuple(events), quotes=tuple(quotes),
        layers=Layers(
            entities=layer(mentions, INV.entity_labels),
            events=layer(events, tuple(e.type for e in events if e.type)),
            quotes=layer(quotes, INV.quote_kinds)))

"""An example dateline extractor: every capitalised word is a PERSON mention.

It needs nothing of dateline but the document model and the ``predictions`` helper.
"""

from dateline.baselines import predictions
from dateline.schemas import Document, Mention


class CapsExtractor:
    name = "example-caps"
    version = "0.1.0"
    layers = ("entities",)

    def __init__(self, label: str = "PERSON") -> None:
        self.label = label

    def extract(self, doc: Document) -> Document:
        mentions = []
        pos = 0
        for word in doc.text.split():
            start = doc.text.index(word, pos)
            pos = start + len(word)
            if word[:1].isupper() and word.isalpha():
                mentions.append(Mention(id=f"m{len(mentions) + 1}", start=start, end=pos,
                                        text=word, label=self.label))
        return predictions(doc, self, entities=(mentions, (self.label,)))

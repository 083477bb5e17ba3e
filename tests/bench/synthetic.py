"""The synthetic long document the editor and team benchmarks share: the demo Zohar introduction's
paragraphs tiled to any number of links (every 17th a 1-2 link, every 10th confirmed), with scores
drawn from a fixed seed, so both benches measure the same kind of document."""

from __future__ import annotations

import random
from pathlib import Path

from workbench.model import Document, Link, Paragraph, Text

REPO = Path(__file__).resolve().parents[2]


def tiled_document(n_links: int, title: str, seed: int = 7) -> tuple[Document, list[Link]]:
    from workbench.io import load_pair

    pair, _ = load_pair(source=REPO / "corpus/intro_zohar/he.json", target=REPO / "corpus/intro_zohar/en.json")
    assert pair.source and pair.target
    he = [p.text for p in pair.source.paragraphs]
    en = [p.text for p in pair.target.paragraphs]
    rng = random.Random(seed)
    src: list[Paragraph] = []
    tgt: list[Paragraph] = []
    links: list[Link] = []
    for i in range(n_links):
        s = Paragraph(he[i % len(he)])
        ts = [Paragraph(en[i % len(en)])]
        if i % 17 == 5:
            ts.append(Paragraph(en[(i + 1) % len(en)]))
        src.append(s)
        tgt.extend(ts)
        links.append(Link([s.id], [t.id for t in ts], score=rng.betavariate(5, 1.2),
                          status="confirmed" if i % 10 == 0 else "auto"))  # fmt: skip
    return Document(title, Text("he", src), Text("en", tgt)), links

"""A small aligned, annotated document to update (Hebrew source, English target, links 1-1)."""

from __future__ import annotations

from workbench.model import Document, Link, Mark, Paragraph, Text
from workbench.terms.model import Annotation, Term

HE = [
    "בתחילת העבודה צריך התלמיד לדעת את מטרת הבריאה.",
    "מטרת הבריאה היא להנות לנבראיו, כמו שכתוב בזוהר.",
    "ולכן נברא הכלי של הקבלה תחילה, והוא נקרא רצון לקבל.",
    "רצון לקבל הזה הוא כל החומר של הנברא, מתחילתו ועד סופו.",
    "והאור הממלא אותו נקרא אור חוזר, בלשון האר\"י.",
    "ועל כן צריך להבין את ענין המסך, שהוא עיקר התיקון.",
]
EN = [
    "In the beginning of the work the student must know the purpose of creation.",
    "The purpose of creation is to delight His creatures, as it is written in the Zohar.",
    "Therefore the vessel of reception was made first, and it is called the will to receive.",
    "This will to receive is the whole substance of the creature, from beginning to end.",
    "And the Light that fills it is called Ohr Hozer, Reflected Light, in the words of the Ari.",
    "Hence we must understand the matter of the Masach, which is the essence of the correction.",
]


def make_doc(store, *, confirm: bool = True) -> tuple[int, dict]:  # noqa: ANN001
    """Store the document with 1-1 links (confirmed), italics on "Ohr Hozer", a footnote on
    paragraph 2, and annotations of "Zohar" (p2), "will to receive" (p3) and "Masach" (p6)."""
    src = [Paragraph(t) for t in HE]
    tgt = [Paragraph(t) for t in EN]
    i = EN[4].index("Ohr Hozer")
    tgt[4].marks = [Mark(i, i + len("Ohr Hozer"), "italic")]
    tgt[1].marks = [Mark(len(EN[1]) - 1, len(EN[1]) - 1, "footnote", "Zohar, Bereshit 1.")]
    doc = Document("Purpose", Text("he", src), Text("en", tgt))
    doc_id = store.create_document(doc, "t")
    links = [Link([s.id], [t.id], 0.9, "confirmed" if confirm else "auto") for s, t in zip(src, tgt, strict=True)]
    store.save_links(doc_id, links, 0, "t")
    term = store.terms.add(Term(source="מסך", preferred="Masach"), "t")
    anns = []
    for k, word in ((1, "Zohar"), (2, "will to receive"), (5, "Masach")):
        start = EN[k].index(word)
        anns.append(Annotation(doc_id=doc_id, para_id=tgt[k].id, start=start, end=start + len(word), surface=word,
                               term_id=term.id))  # fmt: skip
    added = store.terms.add_annotations(anns, "t")
    return doc_id, {"src": src, "tgt": tgt, "links": store.get_links(doc_id), "anns": added}

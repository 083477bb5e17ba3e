"""One definition of check units and their order, whichever path builds them.

A paragraph outside every link (a paragraph inserted without a link of its own) is a unit of its
own, placed after the links. The full run builds units from the whole document
(:func:`workbench.checks.context.units_of`); the editor's fast path
(:meth:`CheckRunner.recheck_paragraphs`) builds only the units of the edited paragraphs. Both must
give every unit the same key and position, or gloss-first picks another "first" occurrence.
"""

from __future__ import annotations

from tests.checks.helpers import load_cases, pair_doc, termbase
from workbench.checks import CheckRunner
from workbench.checks.context import units_of
from workbench.model import Paragraph


def _doc_with_loose_paragraph(store) -> int:  # noqa: ANN001
    store.terms.import_terms(termbase(load_cases()), "t")
    doc, links = pair_doc([["ראש המסך", "The Rosh (head) stands above the Masach (screen)."], ["ראש", "Then the Rosh."]])
    doc_id = store.create_document(doc)
    store.save_links(doc_id, links, store.alignment_rev(doc_id))
    # A translation paragraph added at the end without a link: outside every link.
    store.insert_paragraph(doc_id, "target", 2, Paragraph("At the end, the Masach again."), "ed", own_link=False)
    return doc_id


def _gloss_first(store) -> list:  # noqa: ANN001
    return [f for f in store.findings.list(present=True) if f.check == "gloss-first"]


def test_loose_paragraph_keeps_its_place_on_the_fast_path(store) -> None:  # noqa: ANN001
    doc = _doc_with_loose_paragraph(store)
    runner = CheckRunner(store)
    runner.run()
    assert not _gloss_first(store)  # the first Masach (link 1) is glossed
    # Edit the first link's translation, keeping its gloss: nothing about glosses changed.
    p = store.get_document(doc).target.paragraphs[0]
    store.update_paragraph(p.id, p.text + " Indeed.", None, p.rev, "ed")
    runner.recheck_paragraphs([p.id])
    assert not _gloss_first(store)
    # The same from a full run.
    runner.run(force=True)
    assert not _gloss_first(store)


def test_fast_path_units_are_the_full_runs(store) -> None:  # noqa: ANN001
    doc = _doc_with_loose_paragraph(store)
    d = store.get_document(doc)
    loose = d.target.paragraphs[-1]
    full = {u.key: u for u in units_of(d, store.get_links(doc))}
    assert list(full)[-1] == f"p:{loose.id}" and full[f"p:{loose.id}"].pos == len(full) - 1  # after the links
    for p in d.source.paragraphs + d.target.paragraphs:
        ((doc_id, units, positions),) = CheckRunner(store).units_for_paragraphs([p.id])
        assert doc_id == doc
        assert positions == {k: u.pos for k, u in full.items()}
        (u,) = units
        want = full[u.key]
        assert (u.pos, u.para_ids, u.link_id, u.paired, u.two_sided) == (
            want.pos, want.para_ids, want.link_id, want.paired, want.two_sided)


def test_units_and_order() -> None:
    """The one definition: links in order, then paragraphs outside every link (source side first);
    without an alignment, every paragraph, the translation first."""
    from workbench.checks.context import plan_units
    from workbench.findings_types import DocLayout, LinkIds

    aligned = DocLayout(1, True, [LinkIds("a", ["s1"], ["t1"]), LinkIds("b", ["s2"], [])], ["s1", "s2", "s3"],
                        ["t1", "t2"])  # fmt: skip
    assert [(u.key, u.pos, u.paired) for u in plan_units(aligned)] == [
        ("l:a", 0, True), ("l:b", 1, True), ("p:s3", 2, False), ("p:t2", 3, False)]
    bare = DocLayout(1, True, [], ["s1"], ["t1", "t2"])
    assert [(u.key, u.pos, u.two_sided) for u in plan_units(bare)] == [("p:t1", 0, True), ("p:t2", 1, True),
                                                                        ("p:s1", 2, True)]  # fmt: skip
    one = DocLayout(1, False, [LinkIds("x", [], ["t1"])], [], ["t1"])
    assert [(u.key, u.paired, u.two_sided) for u in plan_units(one)] == [("p:t1", False, False)]

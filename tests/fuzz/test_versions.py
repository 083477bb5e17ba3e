"""The version matcher and the tracked-changes writer, fed random revisions of random texts.

Whatever the two versions are: every old and every new paragraph is in exactly one change, the new
ones in order apart from moves; and the tracked-changes document gives the new version when every
change is accepted and the old one when every change is rejected."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.export.tracked import accepted_and_rejected, tracked_docx
from workbench.versiondiff import match_versions

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

WORDS = ["the", "Light", "vessel", "אור", "חוזר", "כלי", "Masach", "and", "of", "a", ",", ".", "׳", "\"", "x<y", "&"]
paragraph = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)
versions = st.lists(paragraph, max_size=14)


@given(versions, versions)
def test_every_paragraph_in_one_change(old: list[str], new: list[str]) -> None:
    changes = match_versions(old, new)
    assert sorted(i for c in changes for i in c.old) == list(range(len(old)))
    assert sorted(j for c in changes for j in c.new) == list(range(len(new)))
    ordered = [j for c in changes if c.op != "moved" for j in c.new]
    assert ordered == sorted(ordered)
    for c in changes:
        if c.op == "unchanged":
            assert " ".join(old[c.old[0]].split()) == " ".join(new[c.new[0]].split())


@given(versions, versions)
def test_tracked_changes_accept_and_reject(old: list[str], new: list[str]) -> None:
    rows = [([old[i] for i in c.old], [new[j] for j in c.new]) for c in match_versions(old, new)]
    data = tracked_docx(rows, title="T", author="a", date="2026-01-01T00:00:00Z")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        accepted, rejected = accepted_and_rejected(z.read("word/document.xml"))
    assert accepted[1:] == [p for _, n in rows for p in n]
    assert rejected[1:] == [p for o, _ in rows for p in o]


@given(st.lists(st.integers(1, 3), min_size=1, max_size=10), versions)
def test_relink_covers_every_paragraph_once_in_order(shape: list[int], new_texts: list[str]) -> None:
    """Old links of 1-k shapes, any new version of the target: the links relink returns hold every
    paragraph of both sides exactly once, in order on each side (what the store then accepts)."""
    from workbench.align.revise import relink
    from workbench.model import Link, Paragraph

    src = [Paragraph(f"s{i}") for i in range(len(shape))]
    tgt: list[Paragraph] = []
    links = []
    for s, k in zip(src, shape, strict=True):
        ts = [Paragraph(f"target {len(tgt) + j} " + WORDS[(len(tgt) + j) % len(WORDS)]) for j in range(k)]
        tgt += ts
        links.append(Link([s.id], [t.id for t in ts], 0.9, "confirmed"))
    changes = match_versions([p.text for p in tgt], new_texts)
    new_ids: list[str | None] = [None] * len(new_texts)
    dirty, edited = set(), set()
    for c in changes:
        for k, j in enumerate(c.new):
            keep = c.old and k == 0 and c.op != "inserted"
            new_ids[j] = tgt[c.old[0]].id if keep else f"n{j}"
            if c.op not in ("unchanged", "edited"):
                dirty.add(new_ids[j])
            elif c.op == "edited":
                edited.add(new_ids[j])

    def align(a: list[str], b: list[str]) -> list[tuple[list[int], list[int], float]]:
        n = max(len(a), len(b))
        return [([i] if i < len(a) else [], [i] if i < len(b) else [], 0.5) for i in range(n)]

    out = relink("target", links, new_ids, [p.id for p in src], new_texts=new_texts,
                 other_texts=[p.text for p in src], dirty=dirty, edited=edited, align=align)  # fmt: skip
    assert [p for lk in out.links for p in lk.target] == new_ids
    assert [p for lk in out.links for p in lk.source] == [p.id for p in src]
    assert all(lk.source or lk.target for lk in out.links)

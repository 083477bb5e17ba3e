"""The seed article (Shamati 81, English only) yields its real slips and no false alarms."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import CORPUS
from workbench.checks import CheckRunner
from workbench.io import load_pair

REPO = Path(__file__).resolve().parents[2]


def test_seed_article_slips(store) -> None:  # noqa: ANN001
    seed = CORPUS / "shamati" / "shamati-081-concerning-raising-man.en.txt"
    doc, _ = load_pair(target=seed, title="Shamati 81")
    doc_id = store.create_document(doc)
    store.terms.import_file(REPO / "corpus" / "termbase.csv")
    CheckRunner(store).run()
    found = store.findings.list(doc_id, present=True)
    by_check: dict[str, list] = {}
    for f in found:
        by_check.setdefault(f.check, []).append(f)

    (typo,) = by_check["typography"]  # exactly one: the real slip, nothing else
    assert "Rosh,in" in typo.message and "[Rosh,in]" in typo.excerpt
    assert typo.side == "target" and typo.para_ids and typo.doc_id == doc_id

    # A translation without its source: no "untranslated: source empty", no source-side checks.
    assert "untranslated" not in by_check and "term-missing" not in by_check and "label-mismatch" not in by_check
    # "Concerning Raising Man": the acronym MAN (מ"ן) in title case.
    assert [f.excerpt for f in by_check["term-variant"]] == ["81. Concerning Raising [Man]"]
    # Glossed terms: the seed glosses Zivug, Hitkalelut, Hizdakchut, Aviut and Bitush at first use…
    first = {f.excerpt.split("[")[1].split("]")[0] for f in by_check["gloss-first"]}
    assert not first & {"Zivug", "Hitkalelut", "Hizdakchut", "Aviut", "Bitush"}
    # …but not Masach, whose entry asks for "(screen)".
    assert "Masach" in first
    # The title "81. Concerning Raising Man" is a heading: no gloss wanted there.
    assert "Man" not in first
    assert "gloss-mismatch" not in by_check and "gloss-repeat" not in by_check

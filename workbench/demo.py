"""The bundled demo corpus: what ``make run`` loads into an empty database.

The corpus folder ships with the repository (``corpus/``); ``WORKBENCH_CORPUS`` points elsewhere.
Nothing here reads ``tests/``: an installed package does not have it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from workbench.align import realign_document
from workbench.errors import WorkbenchError
from workbench.store import Store


def corpus_dir() -> Path:
    env = os.environ.get("WORKBENCH_CORPUS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "corpus"


def demo_files() -> dict[str, Path]:
    base = corpus_dir()
    files = {
        "zohar_he": base / "intro_zohar" / "he.json",
        "zohar_en": base / "intro_zohar" / "en.json",
        "shamati_en": base / "shamati" / "shamati-081-concerning-raising-man.en.txt",
        "termbase": base / "termbase.csv",
    }
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing:
        raise WorkbenchError(f"demo corpus incomplete, missing: {', '.join(missing)}")
    return files


def load_demo(store: Store, user: str = "demo") -> Iterator[str]:
    """Import the demo documents (and termbase, and a first alignment) and say what was done."""
    from workbench.io import load_pair

    files = demo_files()
    doc, _ = load_pair(
        source=files["zohar_he"], target=files["zohar_en"], title="Introduction to the Book of Zohar"
    )
    doc.metadata["credits"] = "Hebrew: Sefer Matan Torah, ed. Zohar HaSulam, 2019 (CC BY-NC); English: Trans. Baruch Cohen, 2019 (CC0); via Sefaria"
    zohar_id = store.create_document(doc, user)
    yield f"imported #{zohar_id} {doc.title}"
    seed, _ = load_pair(target=files["shamati_en"], title="Shamati 81: Concerning Raising MAN")
    seed_id = store.create_document(seed, user)
    yield f"imported #{seed_id} {seed.title} (translation only)"
    yield f"termbase: {store.terms.import_file(files['termbase'], user=user)}"
    links = realign_document(store.get_document(zohar_id), [])
    store.save_links(zohar_id, links, store.alignment_rev(zohar_id), user)
    yield f"aligned #{zohar_id}: {len(links)} links"

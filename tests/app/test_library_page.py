"""Library page in AppTest: empty state, demo load, listing, upload import, errors, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.shown import plain
from workbench.model import Document, Paragraph, Text
from workbench.store import open_store

PAGE = str(Path(__file__).resolve().parents[2] / "workbench/app/views/library.py")


@pytest.fixture
def app(db_path: Path) -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(PAGE, default_timeout=60)


def test_empty_state_tells_what_to_do(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert "No documents yet" in app.info[0].value
    assert any(b.label == "Load the demo corpus" for b in app.button)


def test_listing_shows_documents_with_counts(app: AppTest, db_path: Path) -> None:
    s = open_store(db_path)
    s.create_document(Document("Pair", Text("he", [Paragraph("א) שלום")]), Text("en", [Paragraph("1. Hi"), Paragraph("x")])))
    s.create_document(Document("Only English", None, Text("en", [Paragraph("Masach")])))
    app.run()
    df = app.dataframe[0].value
    assert list(df["title"]) == ["Pair", "Only English"]
    assert list(df["source ¶"]) == [1, 0] and list(df["target ¶"]) == [2, 1]
    assert list(df["languages"]) == ["he → en", "– → en"]


def key(app: AppTest, base: str) -> str:
    """The current key of an import widget (the keys carry a counter that moves on after an import)."""
    return f"{base}#{app.session_state['up_round'] if 'up_round' in app.session_state else 0}"


def _submit(app: AppTest) -> None:
    (button,) = [b for b in app.get("form_submit_button") if b.label == "Import"]
    button.click()
    app.run()


def test_import_by_upload(monkeypatch: pytest.MonkeyPatch, app: AppTest, db_path: Path) -> None:
    files = {"up_source": ("he.txt", "א) מסך\n\nב) זווג\n".encode()), "up_target": ("en.txt", b"1. Masach\n\n2. Zivug\n")}
    _patch_uploads(monkeypatch, files)
    app.run()
    app.text_input(key=key(app, "up_title")).input("Uploaded")
    _submit(app)
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert "Imported #1" in plain(app.success[0].value)
    (doc,) = open_store(db_path).list_documents()
    assert (doc.title, doc.source_paragraphs, doc.target_paragraphs) == ("Uploaded", 2, 2)
    assert app.dataframe[-1].value["title"].tolist() == ["Uploaded"]


def test_bad_upload_shows_error_and_writes_nothing(monkeypatch: pytest.MonkeyPatch, app: AppTest, db_path: Path) -> None:
    _patch_uploads(monkeypatch, {"up_target": ("en.txt", b"")})
    app.run()
    _submit(app)
    assert app.error and "en.txt" in plain(app.error[0].value) and "empty" in app.error[0].value
    assert open_store(db_path).list_documents() == []


def _patch_uploads(monkeypatch: pytest.MonkeyPatch, files: dict[str, tuple[str, bytes]],
                   rounds: tuple[int, ...] = (0,)) -> None:
    """Make st.file_uploader return in-memory files for the given widget keys, as long as the form
    is the one of ``rounds`` (a browser's uploader with a new key is empty)."""
    import io

    class Upload(io.BytesIO):
        def __init__(self, name: str, data: bytes) -> None:
            super().__init__(data)
            self.name = name

    from streamlit.delta_generator import DeltaGenerator

    real = DeltaGenerator.file_uploader

    def fake(self, label, *args, key=None, **kwargs):  # noqa: ANN001, ANN202
        real(self, label, *args, key=key, **kwargs)
        base = (key or "").split("#")[0]  # the page's keys carry an import counter: "up_source#0"
        return Upload(*files[base]) if base in files and _round(key) in rounds else None

    def _round(k: str | None) -> int:
        return int((k or "#0").split("#")[-1] or 0)

    monkeypatch.setattr(DeltaGenerator, "file_uploader", fake)
    # st.file_uploader is a method bound to the main container at import time: patch it too.
    monkeypatch.setattr(st, "file_uploader", lambda *a, **k: fake(st._main, *a, **k))


def test_delete_needs_confirmation(app: AppTest, db_path: Path) -> None:
    s = open_store(db_path)
    s.create_document(Document("Doomed", None, Text("en", [Paragraph("x")])))
    app.run()
    app.selectbox(key="del_doc").select_index(0)
    app.run()
    btn = app.button(key="del_btn")
    assert btn.disabled
    app.checkbox(key="del_sure").check()
    app.run()
    app.button(key="del_btn").click()
    app.run()
    assert open_store(db_path).list_documents() == []
    assert "No documents yet" in app.info[0].value


def test_legacy_encoding_is_reported_then_imported_when_chosen(monkeypatch: pytest.MonkeyPatch, app: AppTest, db_path: Path) -> None:
    _patch_uploads(monkeypatch, {"up_source": ("old.txt", "א) מסך\n\nב) זווג\n".encode("cp1255"))})
    app.run()
    _submit(app)
    assert app.error and "old.txt" in plain(app.error[0].value) and "cp1255" in app.error[0].value
    assert open_store(db_path).list_documents() == []
    app.selectbox(key=key(app, "up_src_enc")).select("cp1255")
    _submit(app)
    assert not app.error, [e.value for e in app.error]
    (doc,) = open_store(db_path).list_documents()
    assert (doc.source_lang, doc.source_paragraphs) == ("he", 2)


def test_interleaved_upload_creates_linked_document(monkeypatch: pytest.MonkeyPatch, app: AppTest, db_path: Path) -> None:
    data = "א) מסך ועביות\n\n1. Masach and Aviut\n\nב) זווג דהכאה\n\n2. Zivug de Hakaa\n".encode()
    _patch_uploads(monkeypatch, {"up_interleaved": ("both.txt", data)})
    app.run()
    _submit(app)
    assert not app.error, [e.value for e in app.error]
    (doc,) = open_store(db_path).list_documents()
    assert (doc.source_paragraphs, doc.target_paragraphs, doc.links) == (2, 2, 2)


def _by_label(widgets, start: str):  # noqa: ANN001, ANN202 - AppTest widget sequences
    return next(w for w in widgets if w.label.startswith(start))


PAIR = {"up_source": ("he.txt", "א) מסך\n\nב) זווג\n".encode()), "up_target": ("en.txt", b"1. Masach\n\n2. Zivug\n")}


def test_import_empties_the_form_and_the_confirmation_stays(monkeypatch: pytest.MonkeyPatch, app: AppTest,
                                                            db_path: Path) -> None:
    _patch_uploads(monkeypatch, PAIR)
    app.run()
    _by_label(app.text_input, "Title (default").input("First **pair**")
    _submit(app)
    assert [d.title for d in open_store(db_path).list_documents()] == ["First **pair**"]
    assert _by_label(app.text_input, "Title (default").value == ""  # the form is empty again
    assert plain(app.success[0].value).startswith("Imported #1 “First **pair**”")
    # an unrelated rerun (choosing a document to rename) keeps the confirmation; it is not a toast
    assert not app.toast
    app.selectbox(key="ren_doc").select_index(0)
    app.run()
    assert app.success and "Imported #1" in plain(app.success[0].value)
    # a second click on Import has no files any more: nothing is created twice
    _submit(app)
    assert len(open_store(db_path).list_documents()) == 1
    assert app.error and "Choose a source file" in app.error[0].value
    assert not app.success  # the next action replaced the confirmation


def test_identical_content_asks_before_a_duplicate(monkeypatch: pytest.MonkeyPatch, app: AppTest,
                                                  db_path: Path) -> None:
    s = open_store(db_path)
    s.create_document(Document("Already :red[here]", Text("he", [Paragraph("א) מסך"), Paragraph("ב) זווג")]),
                               Text("en", [Paragraph("1. Masach"), Paragraph("2. Zivug")])))
    _patch_uploads(monkeypatch, PAIR)
    app.run()
    _submit(app)
    assert len(open_store(db_path).list_documents()) == 1  # not imported yet
    (warning,) = app.warning
    assert "#1 “Already :red[here]”" in plain(warning.value) and "\\:red\\[here\\]" in warning.value
    _by_label(app.button, "Cancel").click()
    app.run()
    assert not app.warning and len(open_store(db_path).list_documents()) == 1
    _submit(app)
    _by_label(app.button, "Import anyway").click()
    app.run()
    assert [d.title for d in open_store(db_path).list_documents()] == ["Already :red[here]", "he"]
    assert "Imported #2" in plain(app.success[0].value)
    assert not any("already in the project" in w.value for w in app.warning)


def test_a_different_pair_is_imported_without_asking(monkeypatch: pytest.MonkeyPatch, app: AppTest,
                                                    db_path: Path) -> None:
    open_store(db_path).create_document(Document("Other", None, Text("en", [Paragraph("1. Masach"), Paragraph("2. Zivug")])))
    _patch_uploads(monkeypatch, PAIR)
    app.run()
    _submit(app)
    assert len(open_store(db_path).list_documents()) == 2
    assert not any("already in the project" in w.value for w in app.warning)


def test_per_file_encodings(monkeypatch: pytest.MonkeyPatch, app: AppTest, db_path: Path) -> None:
    """A cp1255 source beside a UTF-16 (no BOM: not detectable) target, each named in its own box."""
    files = {"up_source": ("old.txt", "א) מסך\n\nב) זווג\n".encode("cp1255")),
             "up_target": ("en.txt", "1. Masach\n\n2. Zivug\n".encode("utf-16-le"))}
    _patch_uploads(monkeypatch, files)
    app.run()
    _by_label(app.selectbox, "Source encoding").select("cp1255")
    _by_label(app.selectbox, "Target encoding").select("utf-16")
    _submit(app)
    assert not app.error, [e.value for e in app.error]
    (doc,) = open_store(db_path).list_documents()
    assert (doc.source_lang, doc.source_paragraphs, doc.target_paragraphs) == ("he", 2, 2)
    full = open_store(db_path).get_document(doc.id)
    assert full.target.paragraphs[1].text == "2. Zivug"


@pytest.mark.parametrize(("env", "mb"), [(None, 50), (str(10 * 1024 * 1024), 10)])
def test_upload_limit_is_the_importers(monkeypatch: pytest.MonkeyPatch, app: AppTest, env: str | None, mb: int) -> None:
    if env is None:
        monkeypatch.delenv("WORKBENCH_MAX_BYTES", raising=False)
    else:
        monkeypatch.setenv("WORKBENCH_MAX_BYTES", env)
    app.run()
    uploaders = {u.proto.label: u for u in app.get("file_uploader")}  # by label: other panels may add uploaders
    imports = ["Source (original, e.g. Hebrew)", "Target (translation, e.g. English)",
               "…or one interleaved file (paragraphs alternating between the two languages)"]
    assert set(imports) <= set(uploaders)
    assert {u.proto.max_upload_size_mb for u in uploaders.values()} == {mb}
    assert any(f"Files up to {mb} MB each" in c.value for c in app.caption)

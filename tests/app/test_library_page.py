"""Library page in AppTest: empty state, demo load, listing, upload import, errors, delete."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

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


def _submit(app: AppTest) -> None:
    (button,) = [b for b in app.get("form_submit_button") if b.label == "Import"]
    button.click()
    app.run()


def test_import_by_upload(monkeypatch: pytest.MonkeyPatch, app: AppTest, db_path: Path) -> None:
    files = {"up_source": ("he.txt", "א) מסך\n\nב) זווג\n".encode()), "up_target": ("en.txt", b"1. Masach\n\n2. Zivug\n")}
    _patch_uploads(monkeypatch, files)
    app.run()
    app.text_input(key="up_title").input("Uploaded")
    _submit(app)
    assert not app.exception
    assert not app.error, [e.value for e in app.error]
    assert "Imported #1" in app.success[0].value
    (doc,) = open_store(db_path).list_documents()
    assert (doc.title, doc.source_paragraphs, doc.target_paragraphs) == ("Uploaded", 2, 2)
    assert app.dataframe[-1].value["title"].tolist() == ["Uploaded"]


def test_bad_upload_shows_error_and_writes_nothing(monkeypatch: pytest.MonkeyPatch, app: AppTest, db_path: Path) -> None:
    _patch_uploads(monkeypatch, {"up_target": ("en.txt", b"")})
    app.run()
    _submit(app)
    assert app.error and "en.txt" in app.error[0].value and "empty" in app.error[0].value
    assert open_store(db_path).list_documents() == []


def _patch_uploads(monkeypatch: pytest.MonkeyPatch, files: dict[str, tuple[str, bytes]]) -> None:
    """Make st.file_uploader return in-memory files for the given widget keys."""
    import io

    class Upload(io.BytesIO):
        def __init__(self, name: str, data: bytes) -> None:
            super().__init__(data)
            self.name = name

    from streamlit.delta_generator import DeltaGenerator

    real = DeltaGenerator.file_uploader

    def fake(self, label, *args, key=None, **kwargs):  # noqa: ANN001, ANN202
        real(self, label, *args, key=key, **kwargs)
        return Upload(*files[key]) if key in files else None

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
    assert app.error and "old.txt" in app.error[0].value and "cp1255" in app.error[0].value
    assert open_store(db_path).list_documents() == []
    app.selectbox(key="up_encoding").select("cp1255")
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

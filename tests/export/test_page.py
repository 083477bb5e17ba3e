"""The Export page in AppTest: choose, export, download, preview (HTML and rendered), errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import streamlit as st
from docx import Document as DocxDocument
from streamlit.testing.v1 import AppTest

from tests.app.shown import plain
from tests.conftest import need_program
from tests.export.helpers import make_doc
from workbench.model import Document, Text
from workbench.store import open_store

PAGE = str(Path(__file__).resolve().parents[2] / "workbench/app/views/export.py")


@pytest.fixture
def exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "exports"
    monkeypatch.setenv("WORKBENCH_EXPORTS", str(folder))
    return folder


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str | None, bytes]]:
    """What each download button would hand the browser: {media id: (file name, bytes)}, caught as
    Streamlit stores it (AppTest keeps no media store after a run)."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    caught: dict[str, tuple[str | None, bytes]] = {}
    store = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None) -> str:  # noqa: ANN001
        file_id = store(self, path_or_data, mimetype, kind, filename)
        data = path_or_data if isinstance(path_or_data, bytes) else Path(path_or_data).read_bytes()
        caught[file_id] = (filename, data)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return caught


def _downloaded(app: AppTest, caught: dict[str, tuple[str | None, bytes]]) -> list[tuple[str | None, bytes]]:
    """(file name, bytes) of every download button on the page, read through its media URL."""
    out = []
    for button in app.get("download_button"):
        file_id = button.proto.url.rsplit("/", 1)[-1].split(".", 1)[0]
        out.append(caught[file_id])
    return out


@pytest.fixture
def app(db_path: Path, exports: Path) -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(PAGE, default_timeout=120)


def _seed(db_path: Path, title: str = "Introduction to the Book of Zohar") -> int:
    s = open_store(db_path)
    doc, links = make_doc(5)
    doc.id, doc.title = None, title
    doc_id = s.create_document(doc, "t")
    s.save_links(doc_id, links, 0, "t")
    s.close()
    return doc_id


def _click_export(app: AppTest) -> None:
    app.button(key="ex_go").click()
    app.run()


def test_empty_project_says_what_to_do(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert "No documents yet" in app.info[0].value


def test_docx_export_with_html_preview(app: AppTest, db_path: Path, exports: Path, downloads: dict) -> None:
    _seed(db_path, title="<script>alert(1)</script> Zohar")
    app.run()
    assert not app.exception
    app.radio(key="ex_layout").set_value("alternating")
    if app.checkbox(key="ex_render").value:
        app.checkbox(key="ex_render").uncheck()
    _click_export(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert "wrote" in plain(app.success[0].value) and "5 rows" in plain(app.success[0].value)
    files = list(exports.iterdir())
    assert len(files) == 1 and files[0].suffix == ".docx" and "alternating" in files[0].name
    assert "/" not in files[0].name and "<" not in files[0].name
    # The download hands over the edition that was written: a DOCX that opens, with every
    # paragraph of both sides, Hebrew before its English (the alternating layout).
    ((name, data),) = _downloaded(app, downloads)
    assert name == files[0].name and data == files[0].read_bytes()
    body = [p.text for p in DocxDocument(io.BytesIO(data)).paragraphs]
    doc, _links = make_doc(5)
    for he, en in zip(doc.source.paragraphs, doc.target.paragraphs, strict=True):
        assert body.index(he.text) < body.index(en.text), (he.text, en.text)
    html = "".join(m.value for m in app.markdown)
    assert "&lt;script&gt;" in html and "<script>" not in html  # user text escaped
    assert 'dir="rtl"' in html and "ונבאר" in html and "Let us explain" in html


def test_rendered_preview_with_libreoffice(app: AppTest, db_path: Path, exports: Path) -> None:
    need_program("soffice", "libreoffice")
    need_program("pdftoppm")
    _seed(db_path)
    app.run()
    app.checkbox(key="ex_render").check()
    _click_export(app)
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert len(app.get("image")) == 1, "no rendered page image"
    assert not any('dir="rtl"' in m.value for m in app.markdown)  # the PNG, not the HTML fallback
    assert not app.warning


def test_csv_and_xlsx_and_confirmed_only(app: AppTest, db_path: Path, exports: Path, downloads: dict) -> None:
    _seed(db_path)
    app.run()
    app.selectbox(key="ex_format").set_value("csv")
    app.run()
    app.checkbox(key="ex_confirmed").check()
    app.text_input(key="ex_name").input("../../my table")
    _click_export(app)
    assert not app.error, [e.value for e in app.error]
    assert [p.name for p in exports.iterdir()] == ["my_table.csv"]
    assert "5 rows" in plain(app.success[0].value)
    ((name, data),) = _downloaded(app, downloads)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    doc, _links = make_doc(5)
    assert name == "my_table.csv" and len(rows) == 1 + 5, rows
    for row, he, en in zip(rows[1:], doc.source.paragraphs, doc.target.paragraphs, strict=True):
        assert he.text in row and en.text in row and "confirmed" in row, row
    app.selectbox(key="ex_format").set_value("xlsx")
    app.run()
    _click_export(app)
    assert sorted(p.suffix for p in exports.iterdir()) == [".csv", ".xlsx"]


def test_empty_document_shows_error(app: AppTest, db_path: Path, exports: Path) -> None:
    s = open_store(db_path)
    s.create_document(Document("Blank", Text("he", []), Text("en", [])), "t")
    s.close()
    app.run()
    _click_export(app)
    assert app.error and "empty" in plain(app.error[0].value)
    assert not exports.exists() or not list(exports.iterdir())


def test_bundle_of_whole_project(app: AppTest, db_path: Path, exports: Path) -> None:
    _seed(db_path)
    _seed(db_path, title="Second")
    app.run()
    app.selectbox(key="ex_format").set_value("bundle")
    app.run()
    assert app.multiselect(key="ex_docs_project").value == []
    _click_export(app)
    assert not app.error, [e.value for e in app.error]
    assert "2 document(s)" in plain(app.success[0].value)
    (bundle,) = exports.iterdir()
    assert bundle.name == "workbench-project-bundle.json"


def test_export_confirmation_stays_until_the_next_export(app: AppTest, db_path: Path, exports: Path) -> None:
    _seed(db_path)
    app.run()
    app.selectbox(key="ex_format").select("csv").run()
    _click_export(app)
    assert app.success and "5 rows" in plain(app.success[0].value)
    app.text_input(key="ex_name").input("other").run()  # changing an option is not an action
    assert app.success and "5 rows" in plain(app.success[0].value)

"""Every user string is shown literally on every page: titles, paragraphs, terms (rendering, gloss,
note), finding comments, account names and messages that quote them. The project is seeded with
Markdown, HTML, LaTeX and Streamlit directives; every page runs in AppTest, and no element that
Streamlit reads as Markdown (text, captions, alerts, labels) may hold one of those strings unescaped:
a Markdown body must carry it through ``literal()`` (backslash escapes), an HTML body through
``html_literal()`` (character references)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.shown import plain
from tests.app.test_library_page import _patch_uploads
from workbench.app.widgets import html_literal, literal
from workbench.checks import CheckRunner
from workbench.model import Document, Link, Paragraph, Text
from workbench.store import open_store
from workbench.terms import Term

VIEWS = Path(__file__).resolve().parents[2] / "workbench" / "app" / "views"
STRINGS = ["**bold**", ":red[x]", "$x$", ":material/warning:", "<b>b</b>", "a_b_c", "1. not a list",
           "# not a heading", "[link](http://x)", 'Hebrew בי"ע and מ"ן']  # fmt: skip
ALL = " ".join(STRINGS)
HTML_ACTIVE = set('<>&:$')  # what an HTML body must not carry raw (Streamlit acts on ':material/' and '$')
USER = "_ed_"  # an account name Markdown would set in italics


@pytest.fixture
def project(db_path: Path) -> dict:
    s = open_store(db_path)
    s.accounts.add(USER, "admin")
    src = [Paragraph(f"א) {x} מסך עולה") for x in STRINGS]
    tgt = [Paragraph(f"{x} The Masach rises.") for x in STRINGS]
    doc_id = s.create_document(Document(ALL, Text("he", src), Text("en", tgt)), USER)
    s.save_links(doc_id, [Link([a.id], [b.id]) for a, b in zip(src, tgt, strict=True)], 0, USER)
    term = s.terms.add(Term("מסך", "Masach", gloss=ALL, note=ALL), USER)
    s.terms.add(Term("עולה", "Oleh " + STRINGS[1], gloss=STRINGS[0]), USER)
    CheckRunner(s).run([doc_id], user=USER)
    finding = s.findings.list(doc_id)[0]
    s.findings.tag([finding.id], "fixed", USER, ALL)
    s.close()
    return {"doc": doc_id, "term": term.id, "finding": finding.id}


def bodies(at: AppTest) -> list[tuple[str, str, bool]]:
    """(element, body, is HTML) for everything Streamlit renders as Markdown."""
    out = []
    for kind in ("markdown", "caption", "success", "info", "warning", "error", "title", "header", "subheader", "toast"):
        for el in getattr(at, kind):
            out.append((kind, el.value, bool(getattr(el.proto, "allow_html", False))))
    for kind in ("button", "selectbox", "multiselect", "text_input", "checkbox", "radio", "text_area", "number_input",
                 "expander", "tabs", "metric"):  # fmt: skip
        for w in getattr(at, kind):
            out.append((f"{kind} label", w.label, False))
    for w in at.get("download_button") + at.get("file_uploader"):
        out.append(("label", w.proto.label, False))
    return out


def leaks(at: AppTest) -> list[tuple[str, str, str]]:
    bad = []
    for kind, body, is_html in bodies(at):
        for x in STRINGS:
            if is_html and not set(x) & HTML_ACTIVE:
                continue
            # raw: found, and not as the tail of an escape ("\\# not a heading" is escaped)
            at_ = [i for i in range(len(body)) if body.startswith(x, i)]
            if any(i == 0 or body[i - 1] != "\\" for i in at_):
                bad.append((kind, x, body[:200]))
    return bad


def page(name: str) -> AppTest:
    st.cache_resource.clear()
    at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=90)
    at.session_state["user"] = USER
    return at


def shown(at: AppTest) -> str:
    """All Markdown bodies and plain texts of a run, as the editor reads them."""
    return "\n".join([plain(b) for _, b, h in bodies(at) if not h] + [b for _, b, h in bodies(at) if h]
                     + [t.value for t in at.text])  # fmt: skip


def test_literal_escapes_every_markdown_and_html_sign() -> None:
    for x in STRINGS:
        assert plain(literal(x)) == x
        assert x not in literal(x) and x not in html_literal(x) or not set(x) & HTML_ACTIVE


def test_library(project: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    at = page("library")
    at.run()
    assert not at.exception and not leaks(at), leaks(at)
    # an import titled with the strings, of the same texts as the seeded document: the duplicate
    # warning names the existing title, the confirmation the new one
    data = "\n\n".join(f"{x} The Masach rises." for x in STRINGS).encode()
    he = "\n\n".join(f"א) {x} מסך עולה" for x in STRINGS).encode()
    _patch_uploads(monkeypatch, {"up_source": ("he_a_b_c.txt", he), "up_target": ("a_b_c **x**.txt", data)})
    at.run()
    next(t for t in at.text_input if t.label.startswith("Title")).input(STRINGS[3] + " " + STRINGS[1])
    next(b for b in at.get("form_submit_button") if b.label == "Import").click()
    at.run()
    assert not at.exception and not leaks(at), leaks(at)
    assert any("already in the project" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Import anyway").click()
    at.run()
    assert not at.exception and not leaks(at), leaks(at)
    assert f"“{STRINGS[3]} {STRINGS[1]}”" in shown(at)  # the title, exactly as typed


def test_terms_occurrences_heading_and_paragraphs(project: dict) -> None:
    at = page("terms")
    at.run()
    assert not at.exception and not leaks(at), leaks(at)
    heads = [m.value for m in at.markdown if "wb-occ-head" in m.value]
    assert heads and html_literal(ALL) in heads[0]  # the gloss, escaped for HTML
    assert any(html_literal(STRINGS[3]) in m.value for m in at.markdown)  # a paragraph with :material/...


def test_consistency_status_line_and_context(project: dict) -> None:
    at = page("consistency")
    at.run()
    at.selectbox(key="cons_show").select("all").run()
    at.selectbox(key="cons_pick").set_value(project["finding"]).run()
    assert not at.exception and not leaks(at), leaks(at)
    assert any(ALL in t.value for t in at.text)  # the comment, as stored (st.text is literal)
    # tagging again with a comment: the confirmation quotes it literally
    at.text_input(key="cons_comment").input(STRINGS[2] + STRINGS[0])
    at.button(key="cons_tag_open").click().run()
    assert not at.exception and not leaks(at), leaks(at)
    assert any(plain(m.value).endswith(STRINGS[2] + STRINGS[0]) for m in at.success)


def test_activity(project: dict) -> None:
    at = page("activity")
    at.run()
    at.checkbox(key="act_project").check().run()
    options = at.selectbox(key="act_sel").options
    assert len(options) >= 4
    for i in range(min(len(options), 8)):
        at.selectbox(key="act_sel").select_index(i).run()
        assert not at.exception and not leaks(at), (i, leaks(at))


def test_alignment(project: dict) -> None:
    at = page("align")
    at.run()
    assert not at.exception and not leaks(at), leaks(at)


def test_export(project: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_EXPORTS", str(tmp_path / "exp_a_b_c"))
    at = page("export")
    at.run()
    assert not at.exception and not leaks(at), leaks(at)
    at.button(key="ex_go").click().run()
    assert not at.exception and not leaks(at), leaks(at)

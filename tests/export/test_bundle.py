"""Project bundles: export, re-import into an empty database, export again: the same content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.export.helpers import make_doc
from workbench.errors import InputError, WorkbenchError
from workbench.export.bundle import FORMAT, VERSION, import_bundle, write_bundle
from workbench.model import Document, Mark, Paragraph, Text
from workbench.store import open_store

# Fields the database assigns (ids, timestamps, revision counters of whole-object saves).
VOLATILE_DOC = {"id", "created", "updated", "alignment_rev"}
VOLATILE_ROW = {"id", "doc_id", "created", "updated", "rev"}


def seed(store) -> dict[str, Any]:
    from workbench.terms.model import Annotation, Term

    doc, links = make_doc(4, statuses=["confirmed", "auto", "confirmed", "auto"])
    doc.id = None
    doc.metadata = {"credits": "Sefaria", "author": "Baal HaSulam", "nested": {"a": [1, 2]}}
    doc.source.paragraphs[0].marks = [Mark(3, 8, "bold"), Mark(10, 10, "footnote", "הערה")]
    doc.target.paragraphs[1].marks = [Mark(20, 26, "italic")]
    doc.target.paragraphs[2].rev = 3
    links[1].sentences = [{"source": [0, 10], "target": [0, 12], "score": 0.5}]
    a = store.create_document(doc, "t")
    store.save_links(a, links, 0, "t")
    gap = store.create_document(Document("Deleted", None, Text("en", [Paragraph("gone")])), "t")
    c = store.create_document(Document("Shamati 81", None, Text("en", [Paragraph("Concerning raising MAN.")]),
                                       metadata={"source_lang": None}), "t")
    store.delete_document(gap, "t")  # ids 1 and 3: the import renumbers them 1 and 2
    masach = store.terms.add(Term("מָסָךְ", "Masach", variants=["Masakh"], forbidden=["curtain"], gloss="screen",
                                  gloss_first=True, note="Bnei Baruch style"), "t")
    zivug = store.terms.add(Term("זווג דהכאה", "Zivug de Hakaa", source_variants=["זיווג דהכאה"]), "t")
    store.terms.add(Term("", "Reshimot", kind="transliteration", status="proposed"), "t")
    tp = doc.target.paragraphs[1]
    m, z = tp.text.index("Masach"), tp.text.index("Zivug de Hakaa")
    store.terms.add_annotations([
        Annotation(a, tp.id, m, m + 6, "Masach", masach.id, kind="transliteration"),
        Annotation(a, tp.id, z, z + 14, "Zivug de Hakaa", zivug.id, kind="gloss", note="coupling by striking"),
    ], "t")
    return {"docs": [a, c], "doc": doc}


def normalize(bundle: dict[str, Any]) -> dict[str, Any]:
    b = json.loads(json.dumps(bundle))
    b.pop("exported")
    term_pos = {t["id"]: i for i, t in enumerate(b["terms"])}
    for t in b["terms"]:
        for k in VOLATILE_ROW:
            t.pop(k, None)
    for d in b["documents"]:
        for k in VOLATILE_DOC:
            d.pop(k)
        for lk in d["links"]:
            lk.pop("rev")
        for a in d["annotations"]:
            for k in VOLATILE_ROW:
                a.pop(k, None)
            a["term_id"] = term_pos.get(a["term_id"])
        for f in d["findings"]:
            for k in VOLATILE_ROW | {"finding_id"}:
                f.pop(k, None)
    return b


@pytest.fixture
def seeded(tmp_path: Path):
    s = open_store(tmp_path / "one.db")
    info = seed(s)
    yield s, info
    s.close()


def test_round_trip_into_an_empty_database_is_lossless(seeded, tmp_path: Path) -> None:
    s1, info = seeded
    out1, out2 = tmp_path / "b1.json", tmp_path / "b2.json"
    stats = write_bundle(s1, out1)
    assert (stats.documents, stats.paragraphs, stats.links, stats.terms, stats.annotations) == (2, 9, 4, 3, 2)
    b1 = json.loads(out1.read_text(encoding="utf-8"))
    assert b1["format"] == FORMAT and b1["version"] == VERSION == 1
    assert [d["id"] for d in b1["documents"]] == info["docs"] == [1, 3]

    s2 = open_store(tmp_path / "two.db")
    report = import_bundle(s2, out1, user="importer")
    assert report.doc_ids == {1: 1, 3: 2}
    assert (report.documents, report.paragraphs, report.links, report.terms, report.annotations) == (2, 9, 4, 3, 2)
    write_bundle(s2, out2)
    b2 = json.loads(out2.read_text(encoding="utf-8"))
    assert normalize(b2) == normalize(b1)
    # Paragraph and link ids survive as they were; paragraph revisions too.
    d1, d2 = b1["documents"][0], b2["documents"][0]
    assert [p["id"] for p in d2["target"]["paragraphs"]] == [p["id"] for p in d1["target"]["paragraphs"]]
    assert [lk["id"] for lk in d2["links"]] == [lk["id"] for lk in d1["links"]]
    assert d2["target"]["paragraphs"][2]["rev"] == 3
    # The imported document is a working one: its annotations point at the right words.
    anns = s2.terms.annotations(doc_id=1)
    assert [(a.surface, a.state) for a in anns] == [("Masach", "ok"), ("Zivug de Hakaa", "ok")]
    assert s2.terms.get(anns[0].term_id).preferred == "Masach"
    s2.close()


def _real_findings(store, doc_id: int) -> dict[str, Any]:
    """Findings of the checks area on ``doc_id``, one of them tagged (accepted, with a comment)."""
    from workbench.checks import CheckRunner

    doc = store.get_document(doc_id)
    p = doc.target.paragraphs[3]  # not annotated: its annotations' context stays as it was
    store.update_paragraph(p.id, p.text + " the Rosh,in the the world of Masakh.", None, p.rev, "t")
    CheckRunner(store).run(user="t")
    found = store.findings.list(doc_id)
    typo = next(f for f in found if f.check == "typography" and "Rosh,in" in f.message)
    store.findings.tag([typo.id], "accepted", "dana", "house style")
    return {"typo": typo.id, "count": len(found), "para": p.id}


def test_findings_and_tags_round_trip(tmp_path: Path) -> None:
    s1 = open_store(tmp_path / "one.db")
    info = seed(s1)
    a = info["docs"][0]
    real = _real_findings(s1, a)
    assert real["count"] >= 3  # typography (2), term-variant (Masakh), term-missing, ...
    out1, out2 = tmp_path / "b1.json", tmp_path / "b2.json"
    stats = write_bundle(s1, out1)
    assert stats.findings == len(s1.findings.list())
    s2 = open_store(tmp_path / "two.db")
    report = import_bundle(s2, out1, user="importer")
    assert report.findings == stats.findings
    restored = {f.id: f for f in s2.findings.list(doc_id=1)}
    # The ids are recomputed from the (kept) paragraph ids: the accepted finding is the same one.
    typo = restored[real["typo"]]
    assert (typo.status, typo.comment, typo.user) == ("accepted", "house style", "dana")
    assert typo.para_id == real["para"] and typo.doc_id == 1
    assert [t["status"] for t in typo.tags] == ["accepted"] and typo.tags[0]["user"] == "dana"
    assert typo.excerpt and "[Rosh,in]" in typo.excerpt
    # Corpus-wide findings involving the document come back pointing at the new document id.
    assert all(f.doc_id == 1 or (f.doc_id is None and f.docs == [1]) for f in restored.values())
    # The next run recognises every restored finding: same ids, status kept, nothing new.
    from workbench.checks import CheckRunner

    rep = CheckRunner(s2).run(user="t")
    assert rep.new == 0 and rep.resolved == 0
    assert s2.findings.get(real["typo"]).status == "accepted"
    write_bundle(s2, out2)
    assert normalize(json.loads(out2.read_text())) == normalize(json.loads(out1.read_text()))
    # The consistency sheet of the XLSX comes from the same findings, tags included.
    import openpyxl

    from workbench.export import export_document

    result = export_document(s2, 1, "xlsx", tmp_path / "r.xlsx")
    assert result.stats.report_rows == len(s2.findings.list(doc_id=1))
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["Consistency"]
    header = [c.value for c in sheet[1]]
    from workbench.checks.report import COLUMNS

    assert header == COLUMNS
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    row = next(r for r in rows if r[header.index("id")] == real["typo"])
    assert row[header.index("status")] == "accepted" and row[header.index("comment")] == "house style"


def test_a_failure_late_in_the_import_leaves_nothing_half_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    s1 = open_store(tmp_path / "one.db")
    info = seed(s1)
    _real_findings(s1, info["docs"][0])
    write_bundle(s1, tmp_path / "b.json")
    from workbench.store.findings import FindingsRepo

    def broken(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise WorkbenchError("findings record 3: unknown check")

    monkeypatch.setattr(FindingsRepo, "restore", broken)  # the last step of a document's import
    s2 = open_store(tmp_path / "two.db")
    with pytest.raises(WorkbenchError, match="unknown check"):
        import_bundle(s2, tmp_path / "b.json")
    assert s2.list_documents() == [] and s2.terms.list_terms() == []
    assert s2.findings.list() == [] and s2.terms.annotations() == []


def test_second_import_gets_fresh_ids_and_reuses_terms(seeded, tmp_path: Path) -> None:
    s1, _ = seeded
    out = tmp_path / "b.json"
    write_bundle(s1, out)
    report = import_bundle(s1, out)
    assert report.documents == 2 and report.ids_renewed == 2 and report.terms_reused == 3 and report.terms == 0
    titles = [d.title for d in s1.list_documents()]
    assert titles.count("Introduction to the Book of Zohar") == 2
    new_id = report.doc_ids[1]
    old_links, new_links = s1.get_links(1), s1.get_links(new_id)
    assert len(new_links) == 4 and not {lk.id for lk in old_links} & {lk.id for lk in new_links}
    assert len(s1.terms.annotations(doc_id=new_id)) == 2


def test_selected_documents_only(seeded, tmp_path: Path) -> None:
    s1, info = seeded
    out = tmp_path / "b.json"
    stats = write_bundle(s1, out, doc_ids=[info["docs"][1]])
    assert stats.documents == 1 and stats.terms == 3
    assert [d["title"] for d in json.loads(out.read_text())["documents"]] == ["Shamati 81"]


def _write(path: Path, obj: Any) -> Path:
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")
    return path


def test_bad_bundles_are_refused_clearly(tmp_path: Path) -> None:
    s = open_store(tmp_path / "x.db")
    with pytest.raises(InputError, match="newer than this workbench"):
        import_bundle(s, _write(tmp_path / "v2.json", {"format": FORMAT, "version": 2, "documents": []}))
    with pytest.raises(InputError, match="not a workbench bundle"):
        import_bundle(s, _write(tmp_path / "other.json", {"format": "something", "version": 1}))
    with pytest.raises(InputError, match="not a JSON bundle"):
        (tmp_path / "bad.json").write_text("{nope", encoding="utf-8")
        import_bundle(s, tmp_path / "bad.json")
    with pytest.raises(InputError, match="no such file"):
        import_bundle(s, tmp_path / "absent.json")
    assert s.list_documents() == []


def test_import_is_all_or_nothing(seeded, tmp_path: Path) -> None:
    s1, _ = seeded
    out = tmp_path / "b.json"
    write_bundle(s1, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    data["documents"][1]["target"]["paragraphs"][0].pop("text")  # second document broken
    s2 = open_store(tmp_path / "two.db")
    with pytest.raises(WorkbenchError, match=r"documents\[1\]\.target\.paragraphs\[0\]\.text: missing; nothing was imported"):
        import_bundle(s2, _write(tmp_path / "broken.json", data))
    assert s2.list_documents() == [] and s2.terms.list_terms() == []


def test_empty_project_has_nothing_to_bundle(tmp_path: Path) -> None:
    s = open_store(tmp_path / "e.db")
    with pytest.raises(WorkbenchError, match="empty"):
        write_bundle(s, tmp_path / "e.json")
    assert not (tmp_path / "e.json").exists()


# ------------------------------------------------------------------------------ the schema


def _bundle_of(seeded, tmp_path: Path) -> dict[str, Any]:  # noqa: ANN001
    s1, _ = seeded
    out = tmp_path / "good.json"
    write_bundle(s1, out)
    return json.loads(out.read_text(encoding="utf-8"))


def _refused(tmp_path: Path, data: Any, match: str, name: str = "bad.json") -> None:
    """The CLI refuses the bundle in one line naming ``match`` (exit 2) and imports nothing."""
    from workbench.cli import main

    db = tmp_path / f"{name}.db"
    path = _write(tmp_path / name, data) if not isinstance(data, str) else tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--db", str(db), "import-bundle", str(path)])
    msg = err.getvalue()
    assert code == 2, msg
    assert msg.count("\n") == 1 and msg.startswith("error: "), msg
    import re

    assert re.search(match, msg), msg
    s = open_store(db)
    assert s.list_documents() == [] and s.terms.list_terms() == []
    s.close()


def test_two_links_sharing_an_id_are_refused_with_their_path(seeded, tmp_path: Path) -> None:
    data = _bundle_of(seeded, tmp_path)
    links = data["documents"][0]["links"]
    links[1]["id"] = links[0]["id"]
    _refused(tmp_path, data, r"documents\[0\]\.links\[1\]\.id: duplicate of links\[0\]; nothing was imported")


def test_null_text_and_string_variants_are_refused(seeded, tmp_path: Path) -> None:
    data = _bundle_of(seeded, tmp_path)
    data["documents"][0]["source"]["paragraphs"][0]["text"] = None
    _refused(tmp_path, data, r"documents\[0\]\.source\.paragraphs\[0\]\.text: expected a string, got null", "a.json")
    data = _bundle_of(seeded, tmp_path)
    data["terms"][0]["variants"] = "Masakh"
    _refused(tmp_path, data, r"terms\[0\]\.variants: expected a list, got a string", "b.json")


def test_findings_with_unknown_severity_or_dangling_references_are_refused(tmp_path: Path) -> None:
    s = open_store(tmp_path / "f.db")
    _real_findings(s, seed(s)["docs"][0])
    out = tmp_path / "f.json"
    write_bundle(s, out)
    base = json.loads(out.read_text(encoding="utf-8"))
    doc = next(i for i, d in enumerate(base["documents"]) if any(f.get("doc_id") for f in d["findings"]))
    k = next(i for i, f in enumerate(base["documents"][doc]["findings"]) if f.get("doc_id"))
    cases = [
        ("severity", "fatal", r"findings\[\d+\]\.severity: 'fatal' is not one of error, warning, info"),
        ("para_id", "nope", r"findings\[\d+\]\.para_id: paragraph 'nope' does not exist"),
        ("link_id", "nope", r"findings\[\d+\]\.link_id: link 'nope' does not exist"),
        ("term_id", 999, r"findings\[\d+\]\.term_id: term 999 is not among the bundle's terms"),
        ("status", "maybe", r"findings\[\d+\]\.status: 'maybe' is not one of open, accepted, fixed"),
    ]
    for n, (key, value, match) in enumerate(cases):
        data = json.loads(json.dumps(base))
        data["documents"][doc]["findings"][k][key] = value
        _refused(tmp_path, data, match, f"f{n}.json")


@pytest.mark.parametrize(
    ("where", "value", "match"),
    [
        (("links", 0, "score"), "high", r"links\[0\]\.score: expected a number, got a string"),
        (("links", 0, "status"), "maybe", r"links\[0\]\.status: 'maybe' is not one of auto, confirmed"),
        (("links", 0, "source"), "abc", r"links\[0\]\.source: expected a list, got a string"),
        (("links", 0, "source", 0), "ghost", r"links\[0\]\.source\[0\]: paragraph 'ghost' does not exist"),
        (("source", "paragraphs", 0, "marks", 0, "start"), "x", r"marks\[0\]\.start: expected a whole number"),
        (("source", "paragraphs", 0, "marks", 0, "end"), 10**6, r"marks\[0\]: span \d+-1000000 lies outside"),
        (("source", "paragraphs", 1, "id"), None, r"paragraphs\[1\]\.id: expected a string, got null"),
        (("title",), 5, r"documents\[0\]\.title: expected a string, got a number"),
        (("metadata",), [1], r"documents\[0\]\.metadata: expected an object, got a list"),
        (("annotations", 0, "para_id"), "ghost", r"annotations\[0\]\.para_id: paragraph 'ghost' does not exist"),
        (("annotations", 0, "term_id"), 999, r"annotations\[0\]\.term_id: term 999 is not among"),
    ],
)
def test_malformed_fields_are_refused_in_one_line(seeded, tmp_path: Path, where: tuple, value: Any, match: str) -> None:
    data = _bundle_of(seeded, tmp_path)
    node = data["documents"][0]
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    _refused(tmp_path, data, match)


def test_missing_keys_are_refused(seeded, tmp_path: Path) -> None:
    data = _bundle_of(seeded, tmp_path)
    del data["documents"][0]["links"][2]["id"]
    _refused(tmp_path, data, r"documents\[0\]\.links\[2\]\.id: missing", "a.json")
    data = _bundle_of(seeded, tmp_path)
    data["documents"][0]["links"].pop(1)
    _refused(tmp_path, data, r"documents\[0\]\.links: paragraph '\w+' \(source\.paragraphs\[1\]\) is in no link", "b.json")
    data = _bundle_of(seeded, tmp_path)
    data["terms"][1]["kind"] = "spell"
    _refused(tmp_path, data, r"terms\[1\]\.kind: 'spell' is not one of", "c.json")
    _refused(tmp_path, {"format": FORMAT, "version": True}, r"version: expected a whole number", "d.json")
    _refused(tmp_path, {"format": FORMAT, "version": 1, "documents": {}}, r"documents: expected a list", "e.json")


def test_json_nested_thousands_of_levels_is_one_line(tmp_path: Path) -> None:
    _refused(tmp_path, '{"format": "workbench-bundle", "version": 1, "documents": ' + "[" * 5000 + "]" * 5000 + "}",
             r"nested more than \d+ levels deep")


def test_a_bundle_over_the_limit_is_refused_naming_the_flag(seeded, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from workbench.cli import main

    s1, _ = seeded
    write_bundle(s1, tmp_path / "b.json")
    assert main(["--db", str(tmp_path / "n.db"), "import-bundle", str(tmp_path / "b.json"), "--max-mb", "0.001"]) == 2
    err = capsys.readouterr().err
    assert "over the limit of 1 KB" in err and "--max-mb" in err
    assert main(["--db", str(tmp_path / "n.db"), "import-bundle", str(tmp_path / "b.json")]) == 0


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("variant_policy", "sometimes", r"terms\[0\]\.variant_policy: 'sometimes' is not one of allowed, deprecated, forbidden"),
        ("not_term", "גוף האדם", r"terms\[0\]\.not_term: expected a list, got a string"),
        ("ambiguous", "yes", r"terms\[0\]\.ambiguous: expected true or false, got a string"),
    ],
)  # fmt: skip
def test_term_policy_fields_are_checked(seeded, tmp_path: Path, key: str, value: Any, match: str) -> None:
    """The termbase's policy fields get the same schema as the rest: a string where a list belongs
    would otherwise become one context per letter, as variants once did."""
    data = _bundle_of(seeded, tmp_path)
    data["terms"][0][key] = value
    _refused(tmp_path, data, match, f"{key}.json")

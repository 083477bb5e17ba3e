"""``workbench terms ...``: import/export/list/discover through the real CLI entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO
from workbench.cli import main

SEED = REPO / "corpus" / "shamati" / "shamati-081-concerning-raising-man.en.txt"
CSV = "source,preferred,variants,forbidden,gloss,note\nמסך,Masach,Masakh,screen,screen,\nזיווג,Zivug,,,spiritual coupling,\n"


def run(db: Path, *args: str) -> int:
    return main(["--db", str(db), "terms", *args])


def test_import_list_export_round_trip(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "tb.csv"
    src.write_text(CSV + "", encoding="utf-8")
    assert run(db_path, "import", str(src)) == 0
    assert "2 added" in capsys.readouterr().out
    assert run(db_path, "list", "--json") == 0
    entries = json.loads(capsys.readouterr().out)
    assert [e["rendering"] for e in entries] == ["Masach", "Zivug"]
    e = entries[0]
    assert {k: e[k] for k in ("source", "gloss", "kind", "variants", "forbidden", "status", "note")} == {
        "source": "מסך", "gloss": "screen", "kind": "transliteration", "variants": ["Masakh"],
        "forbidden": ["screen"], "status": "approved", "note": None,
    }  # fmt: skip
    assert isinstance(e["id"], int)
    out_csv, out_tbx = tmp_path / "o.csv", tmp_path / "o.tbx"
    assert run(db_path, "export", str(out_csv)) == 0 and run(db_path, "export", str(out_tbx)) == 0
    # the export carries the columns the import read, in order, then the policy columns at their defaults
    assert out_csv.read_text(encoding="utf-8") == (
        "source,preferred,variants,forbidden,gloss,note,gloss_first,variant_policy,not_term,ambiguous\n"
        "מסך,Masach,Masakh,screen,screen,,no,allowed,,no\n"
        "זיווג,Zivug,,,spiritual coupling,,no,allowed,,no\n"
    )
    assert b"TBX-Basic" in out_tbx.read_bytes()
    assert run(db_path, "list") == 0
    assert "Masach" in capsys.readouterr().out


def test_bad_file_is_one_line_error_exit_2(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("source,preferred\nמסך,\n", encoding="utf-8")
    assert run(db_path, "import", str(bad)) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bad.csv: 1 bad row(s), nothing imported: line 2:") and err.count("\n") == 1
    assert run(db_path, "import", str(tmp_path / "missing.csv")) == 2
    assert run(db_path, "export", str(tmp_path / "x.pdf")) == 2


def test_discover_file_json_contract(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(db_path, "discover", str(SEED), "--json") == 0
    props = json.loads(capsys.readouterr().out)
    zivug = next(p for p in props if p["rendering"] == "Zivug")
    assert {"rendering", "source", "gloss", "kind", "occurrences", "evidence"} <= set(zivug)
    assert (zivug["source"], zivug["gloss"], zivug["kind"], zivug["occurrences"]) == (
        None, "spiritual coupling", "transliteration", 1,
    )  # fmt: skip
    assert run(db_path, "discover", str(SEED)) == 0
    assert "Hizdakchut" in capsys.readouterr().out


def test_discover_stored_document(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.model import Document, Link, Paragraph, Text
    from workbench.store import open_store

    s = open_store(db_path)
    src, tgt = Paragraph("והמסך עולה ומזדכך"), Paragraph("The Masach rises and is purified (Hizdakchut).")
    doc_id = s.create_document(Document("d", Text("he", [src]), Text("en", [tgt])), "t")
    s.save_links(doc_id, [Link([src.id], [tgt.id])], 0, "t")
    s.close()
    assert run(db_path, "discover", str(doc_id), "--json") == 0
    props = {p["rendering"]: p for p in json.loads(capsys.readouterr().out)}
    assert props["Masach"]["source"] == "מסך" and props["Masach"]["evidence"]["aligned"] == 1
    assert run(db_path, "discover", "999") == 2


def test_accept_reject_annotate_merge_from_the_command_line(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from workbench.store import open_store

    assert main(["--db", str(db_path), "import", "--target", str(SEED), "--json"]) == 0
    doc_id = json.loads(capsys.readouterr().out)["id"]
    assert run(db_path, "discover", str(doc_id), "--json") == 0
    proposals = json.loads(capsys.readouterr().out)
    renderings = [p["rendering"] for p in proposals]
    assert "Zivug" in renderings and len(renderings) >= 3
    assert run(db_path, "accept", str(doc_id), "--rendering", "Zivug", "--json") == 0
    (added,) = json.loads(capsys.readouterr().out)
    assert added["rendering"] == "Zivug" and added["status"] == "proposed"  # a candidate to approve
    assert main(["--db", str(db_path), "terms", "accept", str(doc_id), "--rendering", "Nonesuch"]) == 2
    capsys.readouterr()
    other = next(r for r in renderings if r != "Zivug")
    assert run(db_path, "reject", other) == 0
    assert capsys.readouterr().out.startswith(f"rejected: {other}")
    assert run(db_path, "discover", str(doc_id), "--json") == 0
    assert other not in [p["rendering"] for p in json.loads(capsys.readouterr().out)]

    assert run(db_path, "annotate", str(doc_id), "--json") == 0
    anns = json.loads(capsys.readouterr().out)
    assert anns and all(a["term_id"] == added["id"] for a in anns)
    assert {a["surface"].casefold() for a in anns} == {"zivug"}
    assert run(db_path, "annotate", str(doc_id)) == 0
    assert capsys.readouterr().out.startswith("0 annotation(s) added")  # idempotent
    assert run(db_path, "annotations", str(doc_id), "--json") == 0
    assert len(json.loads(capsys.readouterr().out)) == len(anns)

    src = tmp_path / "tb.csv"
    src.write_text(CSV, encoding="utf-8")
    assert run(db_path, "import", str(src)) == 0
    capsys.readouterr()
    zivugs = [t for t in open_store(db_path).terms.list_terms() if t.preferred == "Zivug"]
    (keep,) = [t for t in zivugs if t.source == "זיווג"]
    assert len(zivugs) == 2
    assert run(db_path, "merge", str(keep.id), str(added["id"])) == 0
    store = open_store(db_path)
    assert [t.id for t in store.terms.list_terms() if t.preferred == "Zivug"] == [keep.id]
    assert {a.term_id for a in store.terms.annotations(doc_id)} == {keep.id}

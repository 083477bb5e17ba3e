"""``workbench update`` / ``versions`` / ``compare`` on the command line: JSON fields, dry run, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.versions.helpers import EN, make_doc
from workbench.cli import main


def run(db: str, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(store, db_path, tmp_path: Path) -> tuple[str, int, Path]:  # noqa: ANN001
    doc_id, _ = make_doc(store)
    new = [EN[0], EN[1].replace("delight", "benefit"), "Therefore the vessel of reception was made first,",
           "and it is called the will to receive.", EN[3], EN[4], EN[5]]  # fmt: skip
    f = tmp_path / "en2.txt"
    f.write_text("\n\n".join(new) + "\n", encoding="utf-8")
    return str(db_path), doc_id, f


def test_update_dry_run_then_apply(project, store, capsys) -> None:  # noqa: ANN001
    db, doc_id, f = project
    before = [(p.id, p.text) for p in store.get_document(doc_id).target.paragraphs]
    code, out, _ = run(db, capsys, "update", str(doc_id), "--target", str(f), "--dry-run", "--json")
    assert code == 0
    got = json.loads(out)
    assert got["dry_run"] is True and got["applied"] is False and got["version"] is None
    assert got["summary"]["edited"] == 1 and got["summary"]["split"] == 1 and got["summary"]["unchanged"] == 4
    assert got["paragraphs_before"] == 6 and got["paragraphs_after"] == 7
    assert {"kept", "to_review", "realigned", "removed"} <= set(got["links"])
    assert [c["op"] for c in got["changes"]] == ["edited", "split"]
    assert sorted(r["reason"] for r in got["to_review"]) == [
        "paragraph edited in the new version", "re-aligned after the new version (a confirmed link stood here)"]
    assert [(p.id, p.text) for p in store.get_document(doc_id).target.paragraphs] == before  # nothing written

    code, out, _ = run(db, capsys, "update", str(doc_id), "--target", str(f), "--json")
    got = json.loads(out)
    assert code == 0 and got["applied"] and got["version"] == 2 and isinstance(got["change"], int)
    assert len(store.get_document(doc_id).target.paragraphs) == 7

    code, out, _ = run(db, capsys, "versions", str(doc_id), "--json")
    rows = json.loads(out)
    tv = [r for r in rows if r["side"] == "target"]
    assert [(r["version"], r["action"], r["paragraphs"], r["current"]) for r in tv] == [
        (1, "import", 6, False), (2, "update", 7, True)]
    assert set(tv[1]) >= {"doc", "side", "version", "time", "user", "action", "file", "paragraphs", "summary", "change"}
    assert tv[1]["file"] == "en2.txt"

    code, out, _ = run(db, capsys, "compare", str(doc_id), "--json", "--changed-only")
    got = json.loads(out)
    assert (got["from"], got["to"]) == ("1", "2")
    assert [r["op"] for r in got["rows"]] == ["edited", "split"]
    assert got["rows"][0]["counterpart"][0]["text"].startswith("מטרת הבריאה")
    assert sorted((r["number"], r["reason"]) for r in got["review"]["links"]) == [
        (2, "paragraph edited in the new version"),
        (3, "re-aligned after the new version (a confirmed link stood here)")]
    assert got["review"]["annotations"] == []
    code, out, _ = run(db, capsys, "compare", str(doc_id))
    assert code == 0 and "to review: link 2 (paragraph edited in the new version)" in out

    code, out, _ = run(db, capsys, "update", str(doc_id), "--target", str(f))
    assert code == 0 and "nothing to update" in out


@pytest.mark.parametrize(("args", "message"), [
    (["--target", "missing.txt"], "missing.txt"),
    (["--source", "{f}", "--target", "{f}"], "exactly one of --source FILE or --target FILE"),
    ([], "exactly one of --source FILE or --target FILE"),
    (["--source", "{f}"], "looks English but the source"),
    (["--target", "{empty}"], "empty"),
    (["--target", "{pdf}"], "PDF is not supported"),
])  # fmt: skip
def test_bad_input_is_one_line_exit_2(project, store, capsys, tmp_path, args, message) -> None:  # noqa: ANN001
    db, doc_id, f = project
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4 nothing")
    args = [a.format(f=f, empty=tmp_path / "empty.txt", pdf=tmp_path / "x.pdf") for a in args]
    before = store.history(doc_id, 1000)
    code, out, err = run(db, capsys, "update", str(doc_id), *args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
    assert "Traceback" not in err
    assert store.history(doc_id, 1000) == before and store.versions.list(doc_id) == []


def test_missing_document_and_version(project, capsys) -> None:  # noqa: ANN001
    db, doc_id, f = project
    code, _, err = run(db, capsys, "update", "99", "--target", str(f))
    assert code == 2 and "document 99 does not exist" in err
    code, _, err = run(db, capsys, "compare", str(doc_id), "--from", "1", "--to", "5")
    assert code == 2 and err.count("\n") == 1
    code, _, err = run(db, capsys, "compare", str(doc_id), "--out", "x.pdf")
    assert code == 2 and ".docx" in err


def test_update_refused_for_an_editor(project, store, capsys) -> None:  # noqa: ANN001
    db, doc_id, f = project
    store.accounts.add("root", "admin", "root-password-1")
    store.accounts.add("ed", "editor", "ed-password-12", user="root")
    code, _, err = run(db, capsys, "--user", "ed", "update", str(doc_id), "--target", str(f))
    assert code == 2 and "may not import documents" in err
    assert store.versions.list(doc_id) == []


def test_update_reads_a_legacy_hebrew_source(store, db_path, tmp_path, capsys) -> None:  # noqa: ANN001
    from tests.versions.helpers import HE

    doc_id, _ = make_doc(store)
    f = tmp_path / "he-cp1255.txt"
    f.write_bytes("\n\n".join([*HE[:5], HE[5].replace("המסך", "המסך הזה")]).encode("cp1255"))
    code, out, _ = run(str(db_path), capsys, "update", str(doc_id), "--source", str(f), "--source-encoding",
                       "cp1255", "--json")  # fmt: skip
    got = json.loads(out)
    assert code == 0 and got["summary"]["edited"] == 1 and got["summary"]["unchanged"] == 5
    assert "המסך הזה" in store.get_document(doc_id).source.paragraphs[5].text

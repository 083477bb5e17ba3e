"""``workbench check``: formats, exit codes for CI, tagging, help."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "shamati" / "shamati-081-concerning-raising-man.en.txt"


@pytest.fixture
def db(db_path: Path, capsys: pytest.CaptureFixture) -> str:
    assert main(["--db", str(db_path), "import", "--target", str(SEED), "--title", "Shamati 81"]) == 0
    assert main(["--db", str(db_path), "terms", "import", str(REPO / "corpus" / "termbase.csv")]) == 0
    capsys.readouterr()
    return str(db_path)


def run(db: str, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, "check", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_findings_and_fail_on(db: str, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run(db, capsys, "1", "--format", "json")
    assert code == 0 and "checked 1 document(s)" in err
    findings = json.loads(out)
    assert findings
    for f in findings:
        assert {"id", "check", "severity", "document", "link", "paragraphs", "term", "message", "excerpt", "status"} <= set(f)
    variant = next(f for f in findings if f["check"] == "term-variant")
    assert variant["term"] is not None and variant["term_label"] == "MAN" and variant["link"] is None
    assert variant["paragraphs"] and variant["severity"] == "warning"
    typo = [f for f in findings if f["check"] == "typography"]
    assert len(typo) == 1 and "[Rosh,in]" in typo[0]["excerpt"] and typo[0]["document"] == 1
    assert all(f["status"] == "open" for f in findings)
    # CI: warnings are open, errors are not.
    assert run(db, capsys, "--all", "--fail-on", "warning", "--no-run")[0] == 1
    assert run(db, capsys, "--all", "--fail-on", "error", "--no-run")[0] == 0


def test_tag_then_ci_passes(db: str, capsys: pytest.CaptureFixture) -> None:
    findings = json.loads(run(db, capsys, "--format", "json")[1])
    ids = [f["id"] for f in findings]
    code, _, err = run(db, capsys, "tag", ids[0], "--status", "accepted")
    assert code == 2 and "comment" in err
    code, out, _ = run(db, capsys, "tag", *ids, "--status", "accepted", "--comment", "house style", "--user", "dana")
    assert code == 0 and out.count(": accepted") == len(ids)
    assert run(db, capsys, "--fail-on", "info")[0] == 0
    code, out, _ = run(db, capsys, "--show", "accepted", "--format", "csv", "--no-run")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["id"] for r in rows} == set(ids) and {r["user"] for r in rows} == {"dana"}
    assert {r["comment"] for r in rows} == {"house style"}
    # Reopen one by a unique prefix.
    code, out, _ = run(db, capsys, "tag", ids[0][:-3], "--status", "open")
    assert code == 0 and out.startswith(ids[0])
    assert run(db, capsys, "--fail-on", "warning", "--no-run")[0] == 1


def test_csv_says_what_the_report_holds(db: str, capsys: pytest.CaptureFixture) -> None:
    """Like the page's export: a CSV passed on without its command line still says its filters."""
    every = json.loads(run(db, capsys, "--show", "all", "--format", "json")[1])
    code, out, _ = run(db, capsys, "--check", "typography", "--severity", "warning", "--format", "csv", "--no-run")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 1 and rows[0]["check"] == "typography"
    assert {r["report"] for r in rows} == {
        f"filtered findings of all documents (status open; severity warning or above; check typography): 1 of {len(every)}"}
    out = run(db, capsys, "1", "--show", "all", "--format", "csv", "--no-run")[1]
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(every)
    assert {r["report"] for r in rows} == {f"all findings of document Shamati 81, whatever their status ({len(every)})"}
    out = run(db, capsys, "--grouped", "--format", "csv", "--no-run")[1]
    header = out.splitlines()[0].split(",")
    assert header[-1] == "report" and "filtered findings of all documents (status open)" in out


def test_table_output_and_filters(db: str, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run(db, capsys, "--check", "typography")
    assert code == 0 and "typography" in out and "[Rosh,in]" in out and "1 finding(s)" in out
    code, out, _ = run(db, capsys, "--severity", "error", "--no-run")
    assert out.strip() == "No findings."


def test_user_errors(db: str, capsys: pytest.CaptureFixture) -> None:
    assert run(db, capsys, "99")[0] == 2
    assert run(db, capsys, "abc")[0] == 2
    assert run(db, capsys, "1", "--all")[0] == 2
    assert run(db, capsys, "tag")[0] == 2
    assert run(db, capsys, "tag", "typography-x", "--status", "fixed")[0] == 2
    assert run(db, capsys, "--check", "nope")[0] == 2


def test_help_and_list_checks(capsys: pytest.CaptureFixture) -> None:
    proc = subprocess.run([sys.executable, "-m", "workbench.cli", "check", "--help"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0
    assert "check tag FINDING_ID" in proc.stdout and "--fail-on" in proc.stdout and "--status" in proc.stdout
    assert main(["check", "--list-checks"]) == 0
    out = capsys.readouterr().out
    for cid in ("term-missing", "term-variant", "term-forbidden", "term-inconsistent", "gloss-first", "gloss-repeat",
                "gloss-mismatch", "untranslated", "label-mismatch", "typography"):
        assert cid in out


def test_fail_on_error_exit_codes(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """An open error fails ``--fail-on error`` (and warning); once accepted, the run passes; a
    fixed error that comes back fails it again."""
    src = tmp_path / "en.txt"
    src.write_text("The Masach שנמצא בראש rises.\n\nAll is well here.\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import", "--target", str(src), "--title", "T"]) == 0
    capsys.readouterr()
    db = str(db_path)
    code, out, err = run(db, capsys, "--all", "--fail-on", "error", "--format", "json")
    (err_f,) = [f for f in json.loads(out) if f["severity"] == "error"]
    assert code == 1 and err_f["check"] == "untranslated" and "1 open finding(s) at or above error" in err
    assert "[שנמצא בראש]" in err_f["excerpt"]
    assert run(db, capsys, "--fail-on", "warning", "--no-run")[0] == 1
    assert run(db, capsys, "tag", err_f["id"], "--status", "accepted", "--comment", "quoted on purpose")[0] == 0
    assert run(db, capsys, "--fail-on", "error")[0] == 0
    # Marked fixed although the Hebrew is still there: the next run reopens it.
    assert run(db, capsys, "tag", err_f["id"], "--status", "fixed")[0] == 0
    code, out, _ = run(db, capsys, "--fail-on", "error", "--format", "json")
    assert code == 1 and [f["status"] for f in json.loads(out) if f["id"] == err_f["id"]] == ["open"]


def test_findings_csv_never_starts_a_cell_with_a_formula() -> None:
    """A finding's comment or excerpt is user text: opened in a spreadsheet it must stay text."""
    import csv
    import io

    from workbench.checks.report import to_csv

    rows = [{"id": "x", "comment": "=HYPERLINK(\"http://evil\")", "excerpt": "+1", "message": "-2", "term": "@SUM(A1)"}]
    got = list(csv.DictReader(io.StringIO(to_csv(rows))))[0]
    for key in ("comment", "excerpt", "message", "term"):
        if key in got:
            assert got[key].startswith("'"), (key, got[key])

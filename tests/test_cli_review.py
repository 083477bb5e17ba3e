"""``workbench review``, ``progress``, ``comment`` and ``comments``: the JSON contracts, link numbers and
ids, roles through ``--user``, and bad input as one line with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.store.test_store import make_doc, one_to_one
from workbench.cli import main
from workbench.store import open_store


@pytest.fixture
def doc(db_path: Path) -> tuple[Path, int, list[str]]:
    s = open_store(db_path)
    d = make_doc(3)
    doc_id = s.create_document(d, "t", links=one_to_one(d))
    ids = [lk.id for lk in s.get_links(doc_id)]
    s.close()
    return db_path, doc_id, ids


def cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    try:
        rc = main(["--db", str(db), *args])
    except SystemExit as exc:  # argparse's own errors
        rc = int(exc.code or 0)
    out, err = capsys.readouterr()
    return rc, out, err


def one_line(rc: int, err: str, text: str) -> None:
    assert rc == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert text in err, err


def test_review_and_progress(capsys: pytest.CaptureFixture[str], doc: tuple[Path, int, list[str]]) -> None:
    db, doc_id, ids = doc
    rc, out, _ = cli(capsys, db, "review", str(doc_id), "--link", "2", "--status", "reviewed", "--json")
    assert rc == 0
    got = json.loads(out)
    assert (got["link_id"], got["status"], got["link_number"], got["rev"]) == (ids[1], "reviewed", 2, 1)
    assert cli(capsys, db, "review", str(doc_id), "--link", ids[0][:8], "--status", "approved")[0] == 0
    rc, out, _ = cli(capsys, db, "progress", str(doc_id), "--json")
    prog = json.loads(out)
    assert prog["counts"] == {"draft": 1, "edited": 0, "reviewed": 1, "approved": 1}
    assert prog["links"] == 3 and prog["reviewed"] == round(2 / 3, 4)
    rc, out, _ = cli(capsys, db, "progress", str(doc_id))
    assert rc == 0 and "67% reviewed" in out
    # a stale review revision is refused, naming who
    rc, _, err = cli(capsys, db, "--user", "bob", "review", str(doc_id), "--link", "2", "--status", "approved", "--rev", "0")
    one_line(rc, err, "marked reviewed by")


def test_a_link_reference_that_is_both_a_number_and_another_links_id_is_refused(
        capsys: pytest.CaptureFixture[str], db_path: Path) -> None:  # fmt: skip
    """Ids drawn to collide (hex ids begin with "0002" once in 65536 draws): `--link 0002` is link 2
    and the start of link 1's id. Nothing is written on a guess; `#2` and more of the id are taken."""
    s = open_store(db_path)
    d = make_doc(3)
    links = one_to_one(d)
    for lk, lid in zip(links, ("0002ab7c1d2e3f40", "ab00000000000002", "cd00000000000003"), strict=True):
        lk.id = lid
    doc_id = s.create_document(d, "t", links=links)
    s.close()
    rc, out, err = cli(capsys, db_path, "review", str(doc_id), "--link", "0002", "--status", "reviewed")
    one_line(rc, err, f"0002 is link number 2 of document {doc_id} and also begins link id 0002ab7c1d2e3f40:"
                      " give #2 for the number, or more of the id")  # fmt: skip
    assert out == ""
    rc, out, _ = cli(capsys, db_path, "progress", str(doc_id), "--json")
    assert json.loads(out)["counts"]["reviewed"] == 0
    rc, out, _ = cli(capsys, db_path, "review", str(doc_id), "--link", "#2", "--status", "reviewed", "--json")
    assert rc == 0 and (json.loads(out)["link_id"], json.loads(out)["link_number"]) == ("ab00000000000002", 2)
    rc, out, _ = cli(capsys, db_path, "review", str(doc_id), "--link", "0002a", "--status", "approved", "--json")
    assert rc == 0 and (json.loads(out)["link_id"], json.loads(out)["link_number"]) == ("0002ab7c1d2e3f40", 1)


def test_comments_json_contract(capsys: pytest.CaptureFixture[str], doc: tuple[Path, int, list[str]]) -> None:
    db, doc_id, ids = doc
    rc, out, _ = cli(capsys, db, "--user", "ann", "comment", "add", str(doc_id), "--link", "1", "--text",
                     "Check *this*\nplease", "--quote", "target 0", "--json")  # fmt: skip
    assert rc == 0
    cid = json.loads(out)["id"]
    rc, out, _ = cli(capsys, db, "--user", "bob", "comment", "reply", cid, "--text", "done")
    assert rc == 0
    assert cli(capsys, db, "comment", "add", str(doc_id), "--link", "3", "--text", "second")[0] == 0
    rc, out, _ = cli(capsys, db, "comments", str(doc_id), "--json")
    threads = json.loads(out)
    assert [t["text"] for t in threads] == ["Check *this*\nplease", "second"]
    first = threads[0]
    assert {"id", "link", "user", "time", "text", "resolved", "replies"} <= set(first)
    assert (first["id"], first["link"], first["user"], first["resolved"], first["quote"], first["link_number"]) == (
        cid, ids[0], "ann", False, "target 0", 1)
    assert [(r["user"], r["text"]) for r in first["replies"]] == [("bob", "done")]
    assert cli(capsys, db, "comment", "resolve", cid)[0] == 0
    rc, out, _ = cli(capsys, db, "comments", str(doc_id), "--json", "--open")
    assert [t["text"] for t in json.loads(out)] == ["second"]
    rc, out, _ = cli(capsys, db, "comments", str(doc_id))
    assert rc == 0 and "[resolved]" in out and "> target 0" in out and "    " + cid not in out


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["review", "1", "--link", "1", "--status", "done"], "must be one of draft, edited, reviewed, approved"),
        (["review", "x", "--link", "1", "--status", "draft"], "DOC must be a document id"),
        (["review", "1", "--status", "draft"], "required: --link"),
        (["review", "1", "--link", "9", "--status", "draft"], "there is no link 9 of document 1 (it has 3 links)"),
        (["review", "1", "--link", "zz", "--status", "draft"], "there is no link 'zz'"),
        (["review", "7", "--link", "1", "--status", "draft"], "document 7"),
        (["progress", "7"], "document 7"),
        (["comment", "add", "1", "--link", "1", "--text", "  "], "the comment is empty"),
        (["comment", "add", "1", "--link", "1", "--text", "x", "--quote", "nowhere"], "is not in link 1"),
        (["comment", "add", "1", "--link", "1"], "required: --text"),
        (["comment", "reply", "nope", "--text", "x"], "comment 'nope' does not exist"),
        (["comment", "resolve", "nope"], "does not exist"),
        (["comments", "x"], "DOC must be a document id"),
        (["review", "1", "--link", "1", "--status", "draft", "--rev", "x"], "invalid int value"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], doc: tuple[Path, int, list[str]],
                                      args: list[str], text: str) -> None:  # fmt: skip
    db, _, _ = doc
    rc, out, err = cli(capsys, db, *args)
    one_line(rc, err, text)
    assert out == ""


def test_roles_from_the_command_line(capsys: pytest.CaptureFixture[str], doc: tuple[Path, int, list[str]]) -> None:
    db, doc_id, _ = doc
    s = open_store(db)
    s.accounts.add("admin", "admin", "correct horse")
    s.accounts.add("eddie", "editor", "correct horse", user="admin")
    s.accounts.add("vera", "viewer", "correct horse", user="admin")
    s.close()
    rc, _, err = cli(capsys, db, "--user", "eddie", "review", str(doc_id), "--link", "1", "--status", "reviewed")
    one_line(rc, err, "needs the reviewer role")
    assert cli(capsys, db, "--user", "eddie", "review", str(doc_id), "--link", "1", "--status", "edited")[0] == 0
    rc, _, err = cli(capsys, db, "--user", "vera", "comment", "add", str(doc_id), "--link", "1", "--text", "hi")
    one_line(rc, err, "vera (viewer) may not")
    s = open_store(db)
    assert s.comments.threads(doc_id) == [] and s.reviews.progress(doc_id)["counts"]["edited"] == 1
    s.close()


def test_export_with_comments(capsys: pytest.CaptureFixture[str], doc: tuple[Path, int, list[str]], tmp_path: Path) -> None:
    import zipfile

    db, doc_id, _ = doc
    assert cli(capsys, db, "--user", "ann", "comment", "add", str(doc_id), "--link", "2", "--text", "Word sees this")[0] == 0
    out = tmp_path / "e.docx"
    rc, text, err = cli(capsys, db, "export", str(doc_id), "--format", "docx", "--out", str(out), "--comments")
    assert rc == 0, err
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/comments.xml").decode()
    assert 'w:author="ann"' in xml and "Word sees this" in xml
    rc, text, err = cli(capsys, db, "export", str(doc_id), "--format", "docx", "--out", str(tmp_path / "n.docx"))
    assert rc == 0 and "word/comments.xml" not in zipfile.ZipFile(tmp_path / "n.docx").namelist()

"""What other tools read: our TBX 2008 and TMX read back by translate-toolkit (GPL, a dev-only extra),
and the TMX reader's refusals, each one line (exit 2 from the command line)."""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.io.tmx import read_tmx
from workbench.terms.model import Term
from workbench.terms.tbx import read_tbx, tbx_version, write_tbx

TERMS = [
    Term(source="מסך", preferred="Masach", variants=["Masakh"], forbidden=["screen"], gloss="screen", id=1),
    Term(source='מ"ן', preferred="MAN", kind="acronym", note="Mayin Nukvin", id=2),
]


def test_tbx_2008_is_read_by_translate_toolkit_and_by_our_import(tmp_path: Path) -> None:
    from translate.storage import tbx

    path = tmp_path / "glossary.tbx"
    assert write_tbx(TERMS, path, version="2008") == 2
    assert tbx_version(path.read_bytes()) == "2008"
    units = tbx.tbxfile.parsefile(str(path)).units
    assert [(u.source, u.target) for u in units] == [("מסך", "Masach"), ('מ"ן', "MAN")]
    back, _warnings = read_tbx(path)
    assert [(t.source, t.preferred, t.variants, t.forbidden, t.gloss, t.kind) for t in back] == [
        ("מסך", "Masach", ["Masakh"], ["screen"], "screen", "transliteration"),
        ('מ"ן', "MAN", [], [], None, "acronym"),
    ]
    v3 = tmp_path / "v3.tbx"
    write_tbx(TERMS, v3)
    assert tbx_version(v3.read_bytes()) == "v3"
    assert [t.preferred for t in read_tbx(v3)[0]] == ["Masach", "MAN"]


def test_cli_terms_export_tbx_2008_and_import_says_which(tmp_path: Path, db_path, capsys) -> None:  # noqa: ANN001
    from workbench.cli import main
    from workbench.store import open_store

    s = open_store(db_path)
    for t in TERMS:
        s.terms.add(Term(source=t.source, preferred=t.preferred, kind=t.kind))
    out = tmp_path / "g.xml"
    assert main(["terms", "export", str(out), "--tbx", "2008"]) == 0
    assert out.read_bytes().lstrip().startswith(b"<?xml") and b"<martif" in out.read_bytes()
    assert main(["terms", "import", str(out)]) == 0
    assert "(TBX 2008)" in capsys.readouterr().out


def test_our_tmx_export_is_read_by_translate_toolkit_and_by_our_reader(tmp_path: Path) -> None:
    from translate.storage import tmx

    from workbench.export.tmx import write_tmx
    from workbench.model import Document, Link, Paragraph, Text

    s, t = [Paragraph("ובאור החוזר"), Paragraph("מ\"ן עולה")], [Paragraph("In the Returning Light"), Paragraph("MAN rises")]
    doc = Document("d", Text("he", s), Text("en", t), id=1, created="2024-01-01T00:00:00+00:00")
    path = tmp_path / "d.tmx"
    write_tmx(doc, [Link([a.id], [b.id]) for a, b in zip(s, t, strict=True)], path)
    units = tmx.tmxfile.parsefile(str(path)).units
    assert [(u.source, u.target) for u in units] == [("ובאור החוזר", "In the Returning Light"), ('מ"ן עולה', "MAN rises")]
    mem = read_tmx(path)
    assert (mem.source_lang, mem.target_lang) == ("he", "en")
    assert mem.units == [("ובאור החוזר", "In the Returning Light", None), ('מ"ן עולה', "MAN rises", None)]


BAD = {
    "not xml": b"hello",
    "entities": b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY a "x">]><tmx><body><tu/></body></tmx>',
    "external entity": b'<?xml version="1.0"?><!DOCTYPE tmx [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                       b'<tmx><body><tu><tuv xml:lang="he"><seg>&e;</seg></tuv></tu></body></tmx>',
    "other root": b"<martif/>",
    "no body": b"<tmx/>",
    "no units": b"<tmx><body/></tmx>",
    "one language": b'<tmx><body><tu><tuv xml:lang="he"><seg>a</seg></tuv></tu></body></tmx>',
    "tuv without lang": b"<tmx><body><tu><tuv><seg>a</seg></tuv></tu></body></tmx>",
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_tmx_is_refused_in_one_line(name: str) -> None:
    with pytest.raises(InputError) as exc:
        read_tmx(data=BAD[name])
    assert "\n" not in str(exc.value)


def test_tmx_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    p = tmp_path / "big.tmx"
    p.write_bytes(b"<tmx>" + b" " * 2000 + b"</tmx>")
    with pytest.raises(InputError, match="over the limit"):
        read_tmx(p, max_bytes=1000)


def test_cli_tm_import_bad_file_is_one_line_exit_2(tmp_path: Path, db_path, capsys) -> None:  # noqa: ANN001
    from workbench.cli import main

    p = tmp_path / "bad.tmx"
    p.write_bytes(BAD["entities"])
    assert main(["tm", "import", str(p)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.tmx" in err
    good = tmp_path / "good.tmx"
    good.write_text('<tmx version="1.4"><header srclang="he"/><body><tu><tuv xml:lang="he"><seg>אור</seg></tuv>'
                    '<tuv xml:lang="en"><seg>light</seg></tuv></tu></body></tmx>', encoding="utf-8")
    assert main(["tm", "import", str(good), "--label", "Old"]) == 0
    assert main(["tm", "list", "--json"]) == 0
    assert '"label": "Old"' in capsys.readouterr().out
    assert main(["tm", "remove", "Nope"]) == 2

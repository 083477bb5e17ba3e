"""Termbase CSV and TBX: lossless round trips, line-numbered errors, all-or-nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from workbench.errors import InputError
from workbench.terms import Term
from workbench.terms.csvio import HEADER, read_csv, to_csv_text, write_csv
from workbench.terms.tbx import TBX_NS, read_tbx, to_tbx_bytes, write_tbx

CSV_TEXT = (
    "source,preferred,variants,forbidden,gloss,note,gloss_first,variant_policy,not_term,ambiguous\n"
    "מָסָךְ,Masach,Masakh|Masach de Guf,screen|curtain,screen,\"Bnei Baruch spelling, with ch\",yes,allowed,,no\n"
    "פרצוף|פרצופים,Partzuf,Partzufim|partzuf,,face,,no,deprecated,,no\n"
    '"בי""ע",BYA,,,"Beria, Yetzira, Asiya",,no,allowed,,no\n'
    "פה דראש,Peh de Rosh,Peh de-Rosh,,mouth of the head,,no,forbidden,,no\n"
    "אור עליון,Upper Light,,,,,no,allowed,,no\n"
    "זיווג,Zivug,,,\"spiritual coupling\nof two\",multi-line gloss,yes,allowed,,no\n"
    "גוף,Guf,,,body,,yes,allowed,גוף האדם|re:גופ(ו|ם) הגשמי,yes\n"
)


def full_terms() -> list[Term]:
    return [
        Term("מָסָךְ", "Masach", variants=["Masakh", "Masach de Guf"], forbidden=["screen"], gloss="screen",
             gloss_first=True, note="BB style", status="approved", id=7, variant_policy="deprecated"),
        Term("גוף", "Guf", gloss="body", not_term=["גוף האדם", "re:גופ(ו|ם) הגשמי"], ambiguous=True),
        Term('בי"ע', "BYA", kind="acronym", gloss="Beria, Yetzira, Asiya", status="proposed", source_lang="he"),
        Term("פה דראש", "Peh de Rosh", source_variants=["פה של ראש"], source_lang="arc", case="any"),
        Term("", "Upper Light", kind="translation", note="line one\nline two"),
        Term("מלכות", "Malchut", kind="name", variants=["Malkhut"], forbidden=["Kingdom"]),
    ]  # fmt: skip


def test_csv_reads_all_fields_and_infers_kind() -> None:
    terms, warnings = read_csv(text=CSV_TEXT)
    assert warnings == []
    masach, partzuf, bya, peh, upper, zivug, guf = terms
    assert (masach.source, masach.source_pointed) == ("מסך", "מָסָךְ")
    assert masach.variants == ["Masakh", "Masach de Guf"] and masach.forbidden == ["screen", "curtain"]
    assert masach.note == "Bnei Baruch spelling, with ch"
    assert partzuf.source_variants == ["פרצופים"]
    assert (bya.kind, bya.case, bya.gloss) == ("acronym", "strict", "Beria, Yetzira, Asiya")
    assert peh.kind == "transliteration" and upper.kind == "translation"
    assert zivug.gloss == "spiritual coupling\nof two"
    assert masach.gloss_first and zivug.gloss_first and not bya.gloss_first and not upper.gloss_first
    assert (masach.variant_policy, partzuf.variant_policy, peh.variant_policy) == ("allowed", "deprecated", "forbidden")
    assert guf.not_term == ["גוף האדם", "re:גופ(ו|ם) הגשמי"] and guf.ambiguous and not masach.ambiguous


def test_csv_new_columns_are_optional_and_checked() -> None:
    """A CSV of the old six columns still reads: no gloss at first use, variants allowed."""
    (t,), _ = read_csv(text="source,preferred,variants,forbidden,gloss,note\nמסך,Masach,Masakh,,screen,\n")
    assert (t.gloss_first, t.variant_policy, t.not_term, t.ambiguous) == (False, "allowed", [], False)
    with pytest.raises(InputError, match="line 2: gloss_first is 'maybe'"):
        read_csv(text="source,preferred,gloss_first\nמסך,Masach,maybe\n")
    with pytest.raises(InputError, match="variant policy 'sometimes'"):
        read_csv(text="source,preferred,variant_policy\nמסך,Masach,sometimes\n")
    with pytest.raises(InputError, match="not a valid regular expression"):
        read_csv(text="source,preferred,not_term\nגוף,Guf,re:גוף (האדם\n")


def test_csv_round_trip_is_lossless(tmp_path: Path) -> None:
    terms, _ = read_csv(text=CSV_TEXT)
    out = tmp_path / "t.csv"
    write_csv(terms, out)
    assert out.read_text(encoding="utf-8") == CSV_TEXT
    again, _ = read_csv(out)
    assert [t.to_dict() for t in again] == [t.to_dict() for t in terms]


def test_csv_extra_columns_warn_and_bom_ok() -> None:
    text = "\ufeffnote,preferred,source,colour\nx,Masach,מסך,red\n"
    terms, warnings = read_csv(text=text)
    assert [t.preferred for t in terms] == ["Masach"] and terms[0].note == "x"
    assert warnings == ["ignored column(s): colour"]


def test_csv_bad_rows_reported_with_line_numbers_nothing_returned() -> None:
    text = (
        "source,preferred,variants,forbidden,gloss,note\n"
        "מסך,Masach,,,,\n"
        'זיווג,Zivug,,,"a\nb",\n'  # a two-line record: lines 3-4
        "ראש,,,,,\n"  # line 5: empty preferred
        "מסך,Masach,,,,\n"  # line 6: duplicate of line 2
        "גוף,Guf,Body,body,,\n"  # line 7: forbidden also allowed
    )
    with pytest.raises(InputError) as exc:
        read_csv(text=text)
    msg = str(exc.value)
    assert "3 bad row(s), nothing imported" in msg
    assert "line 5: preferred rendering is empty" in msg
    assert "line 6: same source and preferred rendering as line 2" in msg
    assert "line 7: forbidden rendering also allowed: body" in msg


def test_csv_header_and_encoding_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="header lacks preferred"):
        read_csv(text="source,rendering\nמסך,Masach\n")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(",".join(HEADER).encode() + b"\n\xe9,x,,,,\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_csv(bad)
    with pytest.raises(InputError, match="empty file"):
        read_csv(text="")


def test_tbx_is_tbx_basic_v3_and_round_trips(tmp_path: Path) -> None:
    terms = full_terms()
    path = tmp_path / "t.tbx"
    write_tbx(terms, path)
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{TBX_NS}}}tbx" and root.get("type") == "TBX-Basic" and root.get("style") == "dca"
    ns = {"t": TBX_NS}
    assert len(root.findall(".//t:conceptEntry", ns)) == len(terms)
    statuses = [e.text for e in root.findall(".//t:termNote[@type='administrativeStatus']", ns)]
    assert "deprecatedTerm-admn-sts" in statuses and "admittedTerm-admn-sts" in statuses
    back, warnings = read_tbx(path)
    assert warnings == []
    strip = lambda d: {k: v for k, v in d.items() if k not in ("id", "rev", "created", "updated")}  # noqa: E731
    assert [strip(t.to_dict()) for t in back] == [strip(t.to_dict()) for t in terms]


def test_tbx_errors_name_the_entry() -> None:
    data = to_tbx_bytes([Term("מסך", "Masach")]).replace(b"<term>Masach</term>", b"<term></term>")
    with pytest.raises(InputError, match=r"entry 1 \(id t1, line \d+\).*empty <term>"):
        read_tbx(data=data)
    with pytest.raises(InputError, match="not well-formed"):
        read_tbx(data=b"<tbx><text>")
    with pytest.raises(InputError, match="not a TBX file"):
        read_tbx(data=b"<html/>")


def test_tbx_v2_martif_is_read() -> None:
    data = """<?xml version="1.0"?>
<martif type="TBX" xml:lang="en"><text><body>
<termEntry id="e1">
  <langSet xml:lang="he"><tig><term>מסך</term></tig></langSet>
  <langSet xml:lang="en"><descripGrp><descrip type="definition">screen</descrip></descripGrp>
    <tig><term>Masach</term><termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></tig>
    <tig><term>Masakh</term></tig></langSet>
</termEntry></body></text></martif>""".encode()
    (t,), _ = read_tbx(data=data)
    assert (t.source, t.preferred, t.variants, t.gloss) == ("מסך", "Masach", ["Masakh"], "screen")


def test_csv_of_full_terms_keeps_csv_fields() -> None:
    text = to_csv_text(full_terms())
    back, _ = read_csv(text=text)
    for a, b in zip(full_terms(), back, strict=True):
        assert (a.source, a.source_pointed, a.source_variants, a.preferred, a.variants, a.forbidden, a.gloss, a.note,
                a.gloss_first, a.variant_policy, a.not_term, a.ambiguous) == (
            b.source, b.source_pointed, b.source_variants, b.preferred, b.variants, b.forbidden, b.gloss, b.note,
            b.gloss_first, b.variant_policy, b.not_term, b.ambiguous,
        )  # fmt: skip


def test_bundled_starter_termbase_is_valid_canonical_and_fits_the_seed() -> None:
    from tests.conftest import REPO
    from workbench.terms import TermMatcher

    path = REPO / "corpus" / "termbase.csv"
    terms, warnings = read_csv(path)
    assert warnings == [] and 30 <= len(terms) <= 60
    assert to_csv_text(terms) == path.read_text(encoding="utf-8")  # canonical: export reproduces it
    assert all(t.source for t in terms if t.kind != "translation")
    seed = (REPO / "corpus" / "shamati" / "shamati-081-concerning-raising-man.en.txt").read_text(encoding="utf-8")
    found = {terms[h.term_id].preferred for h in TermMatcher(terms).find_target(seed) if h.form_kind != "forbidden"}
    assert {"Masach", "Zivug", "Hitkalelut", "Hizdakchut", "Aviut", "Bitush", "Peh de Rosh", "BYA", "Reshimot"} <= found


# ------------------------------------------------------------------------------ hardening


def _cli(*argv: str) -> tuple[int, str]:
    import contextlib
    import io

    from workbench.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(list(argv))
    return code, err.getvalue()


def test_an_unbalanced_quote_is_refused_not_swallowed(tmp_path: Path) -> None:
    path = tmp_path / "tb.csv"
    path.write_text('source,preferred,gloss\nמסך,"Masach,screen\nזיווג,Zivug,coupling\nפרצוף,Partzuf,face\n',
                    encoding="utf-8")
    with pytest.raises(InputError, match="line 2: a quote opened in this row is never closed"):
        read_csv(path)
    code, err = _cli("--db", str(tmp_path / "x.db"), "terms", "import", str(path))
    assert code == 2 and err.count("\n") == 1 and "unbalanced quote" in err
    # two unbalanced quotes close each other and swallow the lines between them: refused as well
    path.write_text('source,preferred\nמסך,"Masach\nזיווג,Zivug\nפרצוף,Partzuf"\nאור,Or\n', encoding="utf-8")
    with pytest.raises(InputError, match="line 2: the preferred cell runs on to line 4"):
        read_csv(path)


def test_a_termbase_over_the_limit_is_refused_naming_the_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("workbench.terms.csvio._LIMIT", [None])  # the flag sets it for the process
    path = tmp_path / "tb.csv"
    path.write_text("source,preferred\n" + "".join(f"מסך{i},Masach{i}\n" for i in range(200)), encoding="utf-8")
    code, err = _cli("--db", str(tmp_path / "x.db"), "terms", "import", str(path), "--max-mb", "0.001")
    assert code == 2 and "over the limit of 1 KB (terms import --max-mb raises it)" in err
    code, err = _cli("--db", str(tmp_path / "x.db"), "terms", "import", str(path), "--max-mb", "1")
    assert code == 0, err


def test_a_termbase_from_a_device_stops_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_MAX_TERMBASE_BYTES", "4096")
    with pytest.raises(InputError, match="over the limit of 4 KB"):
        read_csv("/dev/zero")
    from workbench.terms.tbx import read_tbx

    with pytest.raises(InputError, match="over the limit of 4 KB"):
        read_tbx("/dev/zero")


def test_a_parser_message_with_line_breaks_is_still_one_line(tmp_path: Path) -> None:
    path = tmp_path / "tb.tbx"
    path.write_bytes(b"<\x00tbx/>")
    with pytest.raises(InputError) as info:
        read_tbx(path)
    assert "\n" not in str(info.value) and "not well-formed XML" in str(info.value)


def test_csv_blank_rows_are_skipped_but_a_run_on_cell_is_not() -> None:
    """A blank record is skipped whatever its width; a one-rendering cell spanning lines is refused even blank."""
    terms, _ = read_csv(text="source,preferred\nמסך,Masach\n,,,\n  ,  \n\nאור,Or\n")
    assert [t.preferred for t in terms] == ["Masach", "Or"]
    with pytest.raises(InputError, match=r"1 bad row\(s\).*line 3: the source cell runs on to line 4"):
        read_csv(text='source,preferred\nמסך,Masach\n"\n",\n')
    with pytest.raises(InputError, match=r"line 1: .*expected after"):
        read_csv(text='source,"pre"ferred\nמסך,Masach\n')

"""Plain text and Markdown: the paragraph rule, and Markdown marks with exact offsets."""

from __future__ import annotations

import pytest

from workbench.io.text import parse_markdown, parse_text

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)


def texts(paras) -> list[str]:
    return [p.text for p in paras]


def spans(p, kind: str) -> list[str]:
    return [p.text[m.start : m.end] for m in p.marks if m.kind == kind]


def test_blank_lines_separate_and_wrapped_lines_join() -> None:
    src = "First line\nwraps here.\n\nSecond paragraph\n   indented wrap.\n\n\n\nThird."
    assert texts(parse_text(src)) == ["First line wraps here.", "Second paragraph indented wrap.", "Third."]


def test_whitespace_only_line_counts_as_blank_and_crlf() -> None:
    src = "\r\n\r\nOne\r\ntwo\r\n  \t \r\nThree\r\n\r\n"
    assert texts(parse_text(src)) == ["One two", "Three"]


def test_no_blank_line_means_one_paragraph_per_line() -> None:
    src = "יא) פסקה ראשונה.\nיב) פסקה שנייה.\n\n"[:-2] + "\nThird line\n"
    paras = parse_text(src)
    assert texts(paras) == ["יא) פסקה ראשונה.", "יב) פסקה שנייה.", "Third line"]
    assert [p.label_value for p in paras] == [11, 12, None]


def test_single_blank_line_switches_to_block_mode() -> None:
    assert texts(parse_text("a\nb\n\nc")) == ["a b", "c"]


def test_form_feed_is_a_paragraph_break() -> None:
    assert texts(parse_text("page one\fpage two")) == ["page one", "page two"]


def test_plain_text_keeps_markdown_characters() -> None:
    (p,) = parse_text("A *starred* word and snake_case_name.")
    assert p.text == "A *starred* word and snake_case_name."
    assert p.marks == []


def test_markdown_heading_is_stripped_and_stands_alone() -> None:
    paras = parse_markdown("# Introduction to the Zohar\nFirst paragraph\ncontinues.\n\n## Part *one* ##\n")
    assert texts(paras) == ["Introduction to the Zohar", "First paragraph continues.", "Part one"]
    assert spans(paras[2], "italic") == ["one"]


def test_markdown_italic_and_bold_offsets() -> None:
    (p,) = parse_markdown("The *Masach* and **Zivug de Hakaa** and _Reshimot_ here.")
    assert p.text == "The Masach and Zivug de Hakaa and Reshimot here."
    assert [(m.start, m.end, m.kind) for m in p.marks] == [(4, 10, "italic"), (15, 29, "bold"), (34, 42, "italic")]


def test_markdown_marks_across_wrapped_lines_and_nested() -> None:
    (p, _) = parse_markdown("**bold with *inner*\nitalic** end ***both***\n\nNext.")
    assert p.text == "bold with inner italic end both"
    assert spans(p, "bold") == ["bold with inner italic", "both"]
    assert spans(p, "italic") == ["inner", "both"]


def test_markdown_literal_asterisks_and_underscores() -> None:
    (p,) = parse_markdown(r"2 * 3 * 4, snake_case_name, an \*escaped\* star and *unclosed.")
    assert p.text == "2 * 3 * 4, snake_case_name, an *escaped* star and *unclosed."
    assert p.marks == []


def test_markdown_footnotes_become_marks() -> None:
    warnings: list[str] = []
    src = "The Masach[^1] rises.[^n2]\n\n[^1]: The screen,\n    continued here.\n[^n2]: Second note.\n\nNext [^zz]."
    paras = parse_markdown(src, warnings)
    assert texts(paras) == ["The Masach rises.", "Next [^zz]."]
    notes = [(m.start, m.value) for m in paras[0].marks if m.kind == "footnote"]
    assert notes == [(10, "The screen, continued here."), (17, "Second note.")]
    assert warnings == ["footnote reference [^zz] has no definition; kept as text"]


def test_markdown_lists_quotes_links_and_rules() -> None:
    src = "- first item\n- second *item*\n\n> quoted [link text](http://x.org) line\n\n---\n\n1. numbered stays"
    paras = parse_markdown(src)
    assert texts(paras) == ["first item", "second item", "quoted link text line", "1. numbered stays"]
    assert spans(paras[1], "italic") == ["item"]
    assert paras[3].label == "1." and paras[3].label_value == 1


def test_markdown_setext_heading() -> None:
    assert texts(parse_markdown("Title\n=====\nBody\ntext.\n\nMore.")) == ["Title", "Body text.", "More."]
    # without blank lines every line is a paragraph, and the underline still goes
    assert texts(parse_markdown("Title\n=====\nBody text.")) == ["Title", "Body text."]


def test_markdown_without_blank_lines_is_line_per_paragraph() -> None:
    assert texts(parse_markdown("*one*\ntwo")) == ["one", "two"]

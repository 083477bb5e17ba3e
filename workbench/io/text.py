"""Plain text and Markdown readers.

Paragraph rule: blank lines separate paragraphs and wrapped lines inside one are joined with a
space; a file without a single blank line is one paragraph per line (the way many translators
keep their drafts). Markdown keeps *italic*, **bold** and ``[^n]`` footnotes as marks beside the
plain text, because alignment and checks must see the words, not the markup.
"""

from __future__ import annotations

import re

from workbench.io.paragraphs import make_paragraph, nfc
from workbench.model import Mark, Paragraph

_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")
# Page break and Unicode paragraph separator end a paragraph; VT (Word's soft break), line
# separator and NEL end a line.
_BREAKS = str.maketrans({"\f": "\n\n", "\u2029": "\n\n", "\v": "\n", "\u2028": "\n", "\x85": "\n"})


def normalize_newlines(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_BREAKS) if any(c in text for c in "\f\v\u2028\u2029\x85") else text


def split_blocks(text: str) -> list[list[str]]:
    """Blocks of lines: split at blank lines, or one block per non-empty line if there are none."""
    text = normalize_newlines(text).strip("\n")
    if _BLANK_LINES.search(text):
        blocks = [b.split("\n") for b in _BLANK_LINES.split(text)]
    else:
        blocks = [[line] for line in text.split("\n")]
    return [b for b in blocks if any(line.strip() for line in b)]


def join_lines(lines: list[str]) -> str:
    if len(lines) == 1:
        return lines[0].strip()
    return " ".join(s for s in (line.strip() for line in lines) if s)


def parse_text(text: str) -> list[Paragraph]:
    """Plain text: the paragraph rule above, nothing else interpreted."""
    out = []
    for block in split_blocks(nfc(text)):
        p = make_paragraph(join_lines(block))
        if p is not None:
            out.append(p)
    return out


# ---------------------------------------------------------------------------------------------
# Markdown

_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]?(.*)$")
_LINK = re.compile(r"!?\[([^\]^][^\]]*|)\]\([^)\s]*(?:[ \t]+\"[^\"]*\")?\)")
_INLINE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!~>])|\[\^([^\]\s]+)\]|(\*+|_+)")


def _footnote_definitions(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Remove ``[^id]: body`` definitions (with indented continuation lines) and return them."""
    notes: dict[str, str] = {}
    kept: list[str] = []
    current: str | None = None
    for line in lines:
        m = _NOTE_DEF.match(line)
        if m:
            current = m.group(1)
            notes[current] = m.group(2).strip()
        elif current is not None and line.startswith(("    ", "\t")) and line.strip():
            notes[current] = (notes[current] + " " + line.strip()).strip()
        else:
            current = None if line.strip() or current is None else current
            kept.append(line)
    return kept, notes


def _markdown_blocks(text: str) -> list[str]:
    """Paragraph strings with block markup removed: headings and list items stand alone."""
    lines, _ = _footnote_definitions(normalize_newlines(text).split("\n"))
    out: list[str] = []
    for block in split_blocks("\n".join(lines)):
        cur: list[str] = []

        def flush(cur: list[str] = cur) -> None:
            if cur:
                out.append(join_lines(cur))
                cur.clear()

        for line in block:
            line = _QUOTE.sub("", line)
            if _RULE.match(line) or _SETEXT.match(line):
                flush()  # a rule, or the underline of a setext heading (the lines above)
            elif (m := _HEADING.match(line)) is not None:
                flush()
                out.append((m.group(1) or "").strip())
            elif _BULLET.match(line):
                flush()
                cur.append(_BULLET.sub("", line))
            else:
                cur.append(line.rstrip("\\"))
        flush()
    return out


def _flanks(s: str, i: int, j: int, ch: str) -> tuple[bool, bool]:
    """Can the delimiter run ``s[i:j]`` open / close emphasis? (CommonMark, simplified)."""
    prev = s[i - 1] if i > 0 else " "
    nxt = s[j] if j < len(s) else " "
    can_open, can_close = not nxt.isspace(), not prev.isspace()
    if ch == "_":  # snake_case and intraword underscores are not emphasis
        can_open = can_open and not prev.isalnum()
        can_close = can_close and not nxt.isalnum()
    return can_open, can_close


def parse_inline(s: str, notes: dict[str, str], warnings: list[str] | None = None) -> tuple[str, list[Mark]]:
    """Strip emphasis markers and footnote references; return plain text and marks into it."""
    s = _LINK.sub(r"\1", s)
    # tokens: ("t", text) | ("d", run, can_open, can_close) | ("n", note id, raw)
    tokens: list[tuple] = []
    pos = 0
    for m in _INLINE.finditer(s):
        if m.start() > pos:
            tokens.append(("t", s[pos : m.start()]))
        if m.group(1) is not None:
            tokens.append(("t", m.group(1)))
        elif m.group(2) is not None:
            tokens.append(("n", m.group(2), m.group(0)))
        else:
            run = m.group(3)
            if len(run) > 3:
                tokens.append(("t", run))
            else:
                tokens.append(("d", run, *_flanks(s, m.start(), m.end(), run[0])))
        pos = m.end()
    if pos < len(s):
        tokens.append(("t", s[pos:]))

    pairs: dict[int, int] = {}  # closer index -> opener index
    stack: list[int] = []
    for k, tok in enumerate(tokens):
        if tok[0] != "d":
            continue
        _, run, can_open, can_close = tok
        if can_close:
            hit = next((d for d in range(len(stack) - 1, -1, -1) if tokens[stack[d]][1] == run), None)
            if hit is not None:
                pairs[k] = stack[hit]
                del stack[hit:]
                continue
        if can_open:
            stack.append(k)
    openers = set(pairs.values())

    parts: list[str] = []
    marks: list[Mark] = []
    starts: dict[int, int] = {}
    n = 0
    for k, tok in enumerate(tokens):
        if tok[0] == "t" or (tok[0] == "d" and k not in pairs and k not in openers):
            parts.append(tok[1])
            n += len(tok[1])
        elif tok[0] == "n":
            if tok[1] in notes:
                marks.append(Mark(n, n, "footnote", notes[tok[1]]))
            else:
                if warnings is not None:
                    warnings.append(f"footnote reference {tok[2]} has no definition; kept as text")
                parts.append(tok[2])
                n += len(tok[2])
        elif k in openers:
            starts[k] = n
        else:
            start, size = starts[pairs[k]], len(tok[1])
            if size != 2:
                marks.append(Mark(start, n, "italic"))
            if size >= 2:
                marks.append(Mark(start, n, "bold"))
    return "".join(parts), marks


def parse_markdown(text: str, warnings: list[str] | None = None) -> list[Paragraph]:
    """Markdown: headings without #, list items and blocks as paragraphs, emphasis as marks."""
    text = nfc(text)
    _, notes = _footnote_definitions(normalize_newlines(text).split("\n"))
    out = []
    for raw in _markdown_blocks(text):
        plain, marks = parse_inline(raw, notes, warnings)
        p = make_paragraph(plain, marks)
        if p is not None:
            out.append(p)
    return out

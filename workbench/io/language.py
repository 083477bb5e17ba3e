"""Which language is a text in, and do the two sides of a pair make sense?

Hebrew and Aramaic are recognised by script (langdetect knows no Aramaic and the script is what
the editor sees). langdetect is used only on enough Latin-script text and with a fixed seed: on
short strings it is random and wrong ("Masach de Guf" comes out German), so short text is "und".
Everything works on a sample, so a 5 MB file costs the same as a page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbench.hebrew import hebrew_ratio
from workbench.model import Paragraph

UNDETERMINED = "und"
MIN_LETTERS = 200
SAMPLE_CHARS = 5000
HEBREW_CODES = {"he", "heb", "iw", "arc", "hbo", "yi"}  # written in Hebrew script
NAMES = {
    "he": "Hebrew", "arc": "Aramaic", "en": "English", "de": "German", "fr": "French", "es": "Spanish",
    "it": "Italian", "pt": "Portuguese", "ru": "Russian", "nl": "Dutch", "pl": "Polish", "ar": "Arabic",
    "yi": "Yiddish", "und": "undetermined",
}  # fmt: skip

_HEBREW_SCRIPT = re.compile(r"[\u0590-\u05ff\ufb1d-\ufb4f]+")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


def name(code: str | None) -> str:
    return NAMES.get(code or UNDETERMINED, code or "undetermined")


def sample(text: str, size: int = SAMPLE_CHARS) -> str:
    """Five evenly spread slices: a Hebrew file with an English preface is still judged Hebrew."""
    if len(text) <= size:
        return text
    step, piece = len(text) // 5, size // 5
    return " ".join(text[i * step : i * step + piece] for i in range(5))


def sample_paragraphs(paragraphs: Sequence[Paragraph | str], size: int = SAMPLE_CHARS) -> str:
    """Text of paragraphs spread over the whole list, about ``size`` characters."""
    texts = [p if isinstance(p, str) else p.text for p in paragraphs]
    if not texts:
        return ""
    total = sum(len(t) for t in texts[:2000])
    if len(texts) <= 2000 and total <= size:
        return "\n".join(texts)
    stride = max(1, len(texts) // 50)
    return sample("\n".join(texts[::stride]), size)


def letter_count(text: str) -> int:
    return len(_LETTER.findall(text))


def is_hebrew_code(code: str | None) -> bool:
    return (code or "").lower().split("-")[0] in HEBREW_CODES


def detect_language(text: str, *, min_letters: int = MIN_LETTERS) -> str:
    """ISO code: "he" for Hebrew-script text, langdetect's code for long enough other text,
    otherwise "und"."""
    s = sample(text)
    if hebrew_ratio(s) > 0.5:
        return "he"
    rest = _HEBREW_SCRIPT.sub(" ", s)
    if letter_count(rest) < min_letters:
        return UNDETERMINED
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(rest)
    except LangDetectException:
        return UNDETERMINED


def is_latin(text: str) -> bool:
    """Most letters are Latin script (used to fall back to English for short translations)."""
    s = sample(text)
    letters = letter_count(s)
    return letters > 0 and len(_LATIN.findall(s)) / letters > 0.5


def check_sides(
    source_paras: Sequence[Paragraph | str],
    target_paras: Sequence[Paragraph | str],
    source_lang: str | None = None,
    target_lang: str | None = None,
) -> list[str]:
    """Warnings for a pair that looks wrong: swapped files, both sides in one language, a side
    whose text contradicts its declared language, or sides too different in size to be one text."""
    src, tgt = sample_paragraphs(source_paras), sample_paragraphs(target_paras)
    warnings: list[str] = []
    src_he, tgt_he = hebrew_ratio(src) > 0.5, hebrew_ratio(tgt) > 0.5
    d_src, d_tgt = detect_language(src), detect_language(tgt)
    if tgt_he and not src_he and src.strip():
        looks = f"the source looks {name(d_src)} and the target Hebrew" if d_src != UNDETERMINED else (
            "the target looks Hebrew and the source does not")
        warnings.append(f"{looks}: were the files swapped? (the source is the original, the target the translation)")
    else:
        for side, declared, detected, he in (
            ("source", source_lang, d_src, src_he),
            ("target", target_lang, d_tgt, tgt_he),
        ):
            if not declared or detected == UNDETERMINED:
                continue
            if is_hebrew_code(declared) != he or (not he and declared.split("-")[0] != detected):
                warnings.append(f"the {side} is marked '{declared}' but its text looks {name(detected)}")
        if d_src == d_tgt and d_src != UNDETERMINED:
            warnings.append(f"both sides look {name(d_src)}: is one of them really the translation?")
    n_src = sum(len(p if isinstance(p, str) else p.text) for p in source_paras)
    n_tgt = sum(len(p if isinstance(p, str) else p.text) for p in target_paras)
    if n_src and n_tgt:
        ratio = n_tgt / n_src
        if ratio > 5 or ratio < 0.3:
            warnings.append(
                f"the target has {ratio:.1f}x the characters of the source ({n_tgt} vs {n_src}): "
                "are they the same text, complete on both sides?"
            )
    return warnings

"""Is a word English? A real frequency table, not a hand list.

The table is SymSpell's ``frequency_dictionary_en_82_765.txt`` as shipped in the ``symspellpy``
package (MIT; the data is Google Books Ngram counts intersected with the SCOWL word list, both
permissive — unlike ``wordfreq``, whose data is CC BY-SA). 82,765 words with counts; we only read the
file, we do not use SymSpell itself.

:func:`zipf` gives the Zipf frequency (log10 of occurrences per billion words): ``the`` 7.6,
``light`` 5.4, ``purification`` 3.8, ``kabbalah`` 3.0, ``hod`` 2.8; transliterations such as
``masach``, ``zivug``, ``partzuf`` are absent (``None``).
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

from workbench.errors import WorkbenchError

DATA_PACKAGE = "symspellpy"
DATA_FILE = "frequency_dictionary_en_82_765.txt"
# At or above this a word counts as English: "Torah" (3.7), "Kabbalah" (3.0) and "Shabbat" (3.2)
# are English loanwords by now, "hod" (2.8) or "din" in a Kabbalah text are not.
ENGLISH_ZIPF = 3.0


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, float], float]:
    try:
        text = (resources.files(DATA_PACKAGE) / DATA_FILE).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise WorkbenchError(
            "the English word list is missing: install the 'symspellpy' package (pip install symspellpy)"
        ) from exc
    counts: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            counts[parts[0]] = int(parts[1])
    total = float(sum(counts.values())) or 1.0
    return {w: math.log10(c / total * 1e9) for w, c in counts.items()}, total


def zipf(word: str) -> float | None:
    """Zipf frequency of ``word`` (case-insensitive, possessive ``'s`` ignored), None if unknown."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    table, _ = _table()
    return table.get(w)


def is_english(word: str, threshold: float = ENGLISH_ZIPF) -> bool:
    """True for a common English word; hyphenated words are English when every part is."""
    parts = [p for p in word.replace("\u2019", "'").split("-") if p]
    if not parts:
        return False
    for p in parts:
        z = zipf(p)
        if z is None or z < threshold:
            return False
    return True


def english_share(phrase: str, threshold: float = ENGLISH_ZIPF) -> float:
    """Share of a phrase's words that are English (``Upper Light`` 1.0, ``Masach de Guf`` 0.33)."""
    words = [w for w in phrase.replace("-", " ").split() if any(ch.isalpha() for ch in w)]
    if not words:
        return 0.0
    return sum(is_english(w.strip(".,;:()[]'\"“”‘’"), threshold) for w in words) / len(words)

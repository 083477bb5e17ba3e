"""The desk's counterpart of a term hit: the hit of the same term in the aligned sentence of the
other side, not every hit of the term in the link."""

from __future__ import annotations

from types import SimpleNamespace

from workbench.desk import TermHit, pair_counterparts
from workbench.model import Link


def _hits(pid: str, text: str, word: str, term: int) -> list[TermHit]:
    out, at = [], text.find(word)
    while at >= 0:
        out.append(TermHit(pid, at, at + len(word), term, "source", ""))
        at = text.find(word, at + 1)
    return out


def _setup(he: str, en: str) -> tuple[Link, dict, dict]:
    paras = {"s": SimpleNamespace(text=he), "t": SimpleNamespace(text=en)}
    hits = {"s": _hits("s", he, "מסך", 7), "t": _hits("t", en, "Masach", 7)}
    return Link(["s"], ["t"], 0.9, "auto", id="L1"), paras, hits


def test_each_hit_pairs_with_the_hit_of_its_own_sentence() -> None:
    link, paras, hits = _setup("המסך עולה למעלה אל הראש. והמסך יורד למטה עד הטבור ונשאר שם זמן רב.",
                               "The Masach rises up to the Rosh. And the Masach descends down to the Tabur and stays there long.")  # fmt: skip
    pair_counterparts(link, paras, hits)
    (s1, s2), (t1, t2) = hits["s"], hits["t"]
    assert s1.pair and s1.pair == t1.pair and s2.pair == t2.pair and s1.pair != s2.pair


def test_a_hit_without_a_counterpart_in_its_sentence_keeps_no_pair() -> None:
    link, paras, hits = _setup("המסך עולה למעלה אל הראש. והאור יורד למטה עד הטבור ונשאר שם זמן רב.",
                               "It rises up to the Rosh. And the Light descends down to the Masach and stays there long.")  # fmt: skip
    pair_counterparts(link, paras, hits)
    assert [h.pair for h in hits["s"]] == [""] and [h.pair for h in hits["t"]] == [""]

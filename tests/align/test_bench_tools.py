"""The alignment benchmark's case builder and scorer (tests/bench/make_align_case.py, score_align.py).

The benchmark's figures are only comparable from one change to the next while the cases stay the
same: the seed-1 case is pinned to the bytes of the case the published figures were measured on.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.bench import make_align_case, score_align
from tests.bench.make_align_case import build_case, read_pairs, sentence_split_point, validate, write_case
from tests.bench.score_align import score
from tests.conftest import need_data

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

#: sha256 of the seed-1 case (default rates) as first published with the benchmark
SEED1 = {
    "source.txt": "5f99c220e0a9ca0ad3b76ab6d1b9f4d0d8a6340acac050e1cf6837e398035398",
    "target.txt": "dafcb219931a1f5b30b826f9b3c22768a73c5035557a9be9ad48588ebceb8554",
    "gold.json": "4106890cb51b3df77a9ffd50db99a3001e885d1d122a588be6b89d130ae2192c",
}


@pytest.fixture(scope="module")
def pairs_path() -> Path:
    return need_data("intro_zohar", "pairs.jsonl")


def test_seed1_case_is_the_published_one(pairs_path: Path, tmp_path: Path) -> None:
    meta = write_case(pairs_path, tmp_path, seed=1)
    assert {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest() for name in SEED1} == SEED1
    assert (meta["n_source"], meta["n_target"], meta["n_links"]) == (168, 157, 153)
    assert meta["link_types"] == {"1-1": 124, "1-2": 7, "2-1": 17, "1-0": 3, "0-1": 2}
    assert meta["source_refs"][0] == "Baal HaSulam's Introduction to Zohar 1:1"
    assert json.loads((tmp_path / "case.json").read_text(encoding="utf-8")) == meta


def test_case_covers_every_paragraph_once(pairs_path: Path) -> None:
    pairs = read_pairs(pairs_path, limit=60)
    case = build_case(pairs, 5, merge=0.3, split=0.3, drop=0.1, insert=0.1)
    validate(case["gold"], len(case["source"]), len(case["target"]))
    assert set(case["kinds"]) == {"1-1", "1-2", "2-1", "1-0", "0-1"}
    assert build_case(pairs, 5, 0.3, 0.3, 0.1, 0.1) == case  # same input, seed and rates: same case
    assert build_case(pairs, 6, 0.3, 0.3, 0.1, 0.1) != case
    with pytest.raises(AssertionError, match="target paragraphs"):
        validate([[[0], [1]]], 1, 2)


def test_split_point_is_a_sentence_boundary_near_the_middle() -> None:
    text = "A" * 70 + ". " + "B" * 30 + ". " + "C" * 100 + "."
    assert sentence_split_point(text, 60) == 104  # the second boundary: 1.5 from the middle, the first 30.5
    assert sentence_split_point(text, 102) is None  # no side may be shorter than min_side
    assert sentence_split_point("One short sentence. And another.", 60) is None


def test_score_strict_lax_and_deletions() -> None:
    gold = [[[0], [0]], [[1, 2], [1]], [[3], []]]
    assert score(gold, gold)["strict_f1"] == 1.0 and score(gold, gold)["lax_f1"] == 1.0
    pred = [[[0], [0]], [[1], [1]], [[2], []], [[3], []]]
    s = score(gold, pred)
    assert (s["strict_p"], s["strict_r"]) == (0.5, 0.6667)  # 2 of 4 predicted, 2 of 3 gold links
    assert (s["lax_p"], s["lax_r"]) == (1.0, 0.6667)  # pairs (0,0), (1,1) of (0,0), (1,1), (2,1)
    assert (s["n_gold_links"], s["n_pred_links"], s["n_gold_pairs"], s["n_pred_pairs"]) == (3, 4, 3, 2)


def test_both_scripts_keep_their_command_line(pairs_path: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert make_align_case.main([str(pairs_path), "--out-dir", str(tmp_path), "--seed", "1", "--limit", "40"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["n_source"] == 40 and set(summary) == {"n_source", "n_target", "n_links", "link_types"}
    gold = tmp_path / "gold.json"
    assert score_align.main([str(gold), str(gold)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["strict_f1"] == 1.0 and result["vecalign_lax_f1"] == 1.0

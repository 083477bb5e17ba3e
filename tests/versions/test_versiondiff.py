"""The version matcher on tables of small revisions: each row one kind of change an editor makes."""

from __future__ import annotations

import random

import pytest

from workbench.versiondiff import Change, match_versions, same_key, summarize

pytestmark = pytest.mark.no_database  # pure: runs on the SQLite pass only (tests/conftest.py)

A = "In the beginning of the work the student must know the purpose of creation."
B = "The purpose of creation is to delight His creatures, as it is written in the Zohar."
C = "Therefore the vessel of reception was made first, and it is called the will to receive."
D = "This will to receive is the whole substance of the creature, from beginning to end."
E = "And the Light that fills it is called Ohr Hozer, Reflected Light, in the words of the Ari."
HE1 = "וְזֶה שֶׁכָּתוּב בַּזֹּהַר, שֶׁהָעוֹלָם נִבְרָא בִּשְׁבִיל הָאָדָם."
HE2 = "ולכן נקרא הכלי בשם רצון לקבל, והוא כל החומר של הנברא."


def ops(old: list[str], new: list[str]) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    return [(c.op, c.old, c.new) for c in match_versions(old, new)]


CASES = [
    # (name, old, new, expected (op, old, new) in new order)
    ("unchanged", [A, B, C], [A, B, C],
     [("unchanged", (0,), (0,)), ("unchanged", (1,), (1,)), ("unchanged", (2,), (2,))]),
    ("white space only is unchanged", [A, B], ["  " + A.replace(" ", "  "), B + "\n"],
     [("unchanged", (0,), (0,)), ("unchanged", (1,), (1,))]),
    ("one word edited", [A, B, C], [A, B.replace("delight", "benefit"), C],
     [("unchanged", (0,), (0,)), ("edited", (1,), (1,)), ("unchanged", (2,), (2,))]),
    ("punctuation is an edit", [A, B], [A, B.replace(",", ";")],
     [("unchanged", (0,), (0,)), ("edited", (1,), (1,))]),
    ("Hebrew points corrected is an edit", [HE1, HE2], [HE1.replace("בַּזֹּהַר", "בַּזֹּהַר הַקָּדוֹשׁ"), HE2],
     [("edited", (0,), (0,)), ("unchanged", (1,), (1,))]),
    ("split in two", [A, B, C], [A, "The purpose of creation is to delight His creatures,",
                                 "as it is written in the Zohar.", C],
     [("unchanged", (0,), (0,)), ("split", (1,), (1, 2)), ("unchanged", (2,), (3,))]),
    ("split in three", [A, B + " " + C + " " + D, E],
     [A, B, C, D, E],
     [("unchanged", (0,), (0,)), ("split", (1,), (1, 2, 3)), ("unchanged", (2,), (4,))]),
    ("merged two", [A, B, C, D], [A, B + " " + C, D],
     [("unchanged", (0,), (0,)), ("merged", (1, 2), (1,)), ("unchanged", (3,), (2,))]),
    ("inserted", [A, B, C], [A, B, E, C],
     [("unchanged", (0,), (0,)), ("unchanged", (1,), (1,)), ("inserted", (), (2,)), ("unchanged", (2,), (3,))]),
    ("inserted at the start", [A, B], [E, A, B],
     [("inserted", (), (0,)), ("unchanged", (0,), (1,)), ("unchanged", (1,), (2,))]),
    ("deleted", [A, B, C], [A, C],
     [("unchanged", (0,), (0,)), ("deleted", (1,), ()), ("unchanged", (2,), (1,))]),
    ("deleted at the end", [A, B, C], [A, B],
     [("unchanged", (0,), (0,)), ("unchanged", (1,), (1,)), ("deleted", (2,), ())]),
    ("moved", [A, B, C, D, E], [A, C, D, E, B],
     [("unchanged", (0,), (0,)), ("unchanged", (2,), (1,)), ("unchanged", (3,), (2,)), ("unchanged", (4,), (3,)),
      ("moved", (1,), (4,))]),
    ("replaced by an unrelated paragraph", [A, B, C], [A, HE2, C],
     [("unchanged", (0,), (0,)), ("deleted", (1,), ()), ("inserted", (), (1,)), ("unchanged", (2,), (2,))]),
    ("everything at once", [A, B, C, D, E], [A + " Amen.", C, "This will to receive", "is the whole substance of the creature, from beginning to end.", E, HE1],
     [("edited", (0,), (0,)), ("deleted", (1,), ()), ("unchanged", (2,), (1,)), ("split", (3,), (2, 3)),
      ("unchanged", (4,), (4,)), ("inserted", (), (5,))]),
    ("empty old", [], [A, B], [("inserted", (), (0,)), ("inserted", (), (1,))]),
    ("empty new", [A], [], [("deleted", (0,), ())]),
]


@pytest.mark.parametrize(("name", "old", "new", "want"), CASES, ids=[c[0] for c in CASES])
def test_match_table(name: str, old: list[str], new: list[str], want: list) -> None:
    assert ops(old, new) == want


def test_every_paragraph_once() -> None:
    """Random revisions of a long text: every old and every new index in exactly one change, the new
    ones in order (what the update relies on to give each paragraph one id)."""
    rng = random.Random(7)
    base = [f"Paragraph {i} says {' '.join(rng.choice(['light', 'vessel', 'will', 'world', 'soul']) for _ in range(12))}."
            for i in range(300)]
    for _ in range(20):
        new = list(base)
        for _ in range(15):
            k = rng.randrange(len(new))
            what = rng.choice(["edit", "del", "ins", "split", "merge"])
            if what == "edit":
                new[k] = new[k].replace("light", "Light", 1) + " More."
            elif what == "del":
                del new[k]
            elif what == "ins":
                new.insert(k, f"A new paragraph number {rng.random()} about nothing in particular at all.")
            elif what == "split" and " says " in new[k]:
                a, b = new[k].split(" says ", 1)
                new[k:k + 1] = [a + " says", b]
            elif what == "merge" and k + 1 < len(new):
                new[k:k + 2] = [new[k] + " " + new[k + 1]]
        changes = match_versions(base, new)
        olds = sorted(i for c in changes for i in c.old)
        news = [j for c in changes for j in c.new]
        assert olds == list(range(len(base)))
        assert sorted(news) == list(range(len(new)))
        assert [j for c in changes if c.op != "moved" for j in c.new] == sorted(
            j for c in changes if c.op != "moved" for j in c.new)


def test_summary_counts_every_kind() -> None:
    s = summarize(match_versions([A, B, C], [A, B + " " + C, E]))
    assert s == {"unchanged": 1, "edited": 0, "split": 0, "merged": 1, "inserted": 1, "deleted": 0, "moved": 0}


def test_moved_and_edited_keeps_similarity() -> None:
    changes = match_versions([A, B, C, D, E], [B, C, D, E, A.replace("student", "students")])
    moved = [c for c in changes if c.op == "moved"]
    assert moved == [Change("moved", (0,), (4,), moved[0].similarity)]
    assert 0.9 <= moved[0].similarity < 1.0


def test_same_key_folds_space_not_points() -> None:
    assert same_key(" a\u00a0 b\n") == "a b"
    assert same_key("שָׁלוֹם") != same_key("שלום")


def test_completely_different_file_costs_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that shares nothing with the old one: the programme stays in a band around the
    diagonal, so the similarity computations grow with the length, not with its square."""
    import workbench.versiondiff as vd

    calls = [0]
    real = vd._Sim.ratio

    def counting(self, *a):  # noqa: ANN001, ANN002, ANN202
        calls[0] += 1
        return real(self, *a)

    monkeypatch.setattr(vd._Sim, "ratio", counting)
    n = 600
    old = [f"old paragraph {i} with words alpha beta gamma {i * 7}" for i in range(n)]
    new = [f"totally other text {i} delta epsilon zeta {i * 3}" for i in range(n)]
    changes = match_versions(old, new)
    assert {c.op for c in changes} <= {"deleted", "inserted", "edited", "split", "merged"}
    per_cell = 1 + 2 * (vd.MAX_PIECES - 1)  # edited, splits, merges
    assert calls[0] <= (n + 1) * (2 * vd.BAND + 2) * per_cell < n * n  # banded, far from n²

"""A link named on the command line: by number, ``#number``, id or id prefix. Ids are hex, so a
prefix may be all digits; it must still find its link (a CI run once drew such an id)."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from workbench.desk import MIN_ID_PREFIX, resolve_link
from workbench.errors import NotFoundError, WorkbenchError
from workbench.model import Link

pytestmark = pytest.mark.no_database


def _links(*ids: str) -> list[Link]:
    return [Link([f"s{i}"], [f"t{i}"], 0.9, "auto", id=lid) for i, lid in enumerate(ids)]


def test_number_hash_number_id_and_prefix() -> None:
    links = _links("aa11", "bb22", "cc33")
    assert resolve_link(links, "2")[0] == 1
    assert resolve_link(links, "#3")[0] == 2
    assert resolve_link(links, 1)[0] == 0
    assert resolve_link(links, "bb22")[0] == 1
    assert resolve_link(links, "cc")[0] == 2


def test_an_all_digit_id_prefix_out_of_the_numbers_range_is_read_as_a_prefix() -> None:
    links = _links("106685955cb046fe", "d3b627a6c72740da", "a2b93e816b9f400f")
    assert resolve_link(links, "10668595") == (0, links[0])
    # a number in range stays a number, even where it also begins an id
    assert resolve_link(links, "1")[0] == 0
    assert resolve_link(_links("2abc", "2def", "9x"), "2")[0] == 1
    # "#" says it is a number: no prefix reading
    with pytest.raises(NotFoundError, match="there is no link 10668595 of document 4 \\(it has 3 links\\)"):
        resolve_link(links, "#10668595", 4)
    with pytest.raises(NotFoundError, match="there is no link 77"):
        resolve_link(links, "77")


def test_ambiguous_and_missing_prefixes_are_refused() -> None:
    links = _links("1234aa", "1234bb", "ff")
    with pytest.raises(WorkbenchError, match="link id 1234 is ambiguous"):
        resolve_link(links, "1234")
    with pytest.raises(NotFoundError, match="there is no link 'zz'"):
        resolve_link(links, "zz")
    with pytest.raises(WorkbenchError, match="give a link"):
        resolve_link(links, "  ")


@pytest.mark.parametrize("ids", [("9abc", "1f", "2e"), ("9abc", "9def", "2e")])
def test_a_short_number_out_of_range_is_a_number_whatever_ids_begin_with_it(ids: tuple[str, ...]) -> None:
    """A CI run drew two link ids starting with 9 for `workbench review --link 9` on a document
    of 3 links: "9" is a number out of range, not a prefix (one id beginning with it, or two)."""
    with pytest.raises(NotFoundError, match="there is no link 9 of document 1 \\(it has 3 links\\)"):
        resolve_link(_links(*ids), "9", 1)
    # from four digits on, an all-digit text out of range is read as the id prefix it may be
    assert resolve_link(_links("9abc", "9999aa", "2e"), "9999") == (1, _links("9abc", "9999aa", "2e")[1])


def _many(n: int, **ids: str) -> list[Link]:
    """``n`` links with ids that begin with no digit, but for those given by number (``l42="0042ab"``)."""
    out = [f"{'abcdef'[i % 6]}{i:015x}" for i in range(n)]
    for key, lid in ids.items():
        out[int(key[1:]) - 1] = lid
    return _links(*out)


def test_a_long_number_in_range_that_begins_another_links_id_is_refused_not_guessed() -> None:
    """An editor copies the first characters of a link id, as with git hashes; a hex prefix is all
    digits often enough ("0042" of a 500-link document, about 1 draw in 130) to be a link number in
    range too. Read as either, it could act on the wrong link without a word: it is refused, and
    `#N` or more of the id says which is meant."""
    links = _many(500, l7="0042ab7c1d2e3f40")
    with pytest.raises(WorkbenchError, match=r"^0042 is link number 42 of document 5 and also begins link id "
                                             r"0042ab7c1d2e3f40: give #42 for the number, or more of the id$"):  # fmt: skip
        resolve_link(links, "0042", 5)
    assert resolve_link(links, "#42") == (41, links[41])
    assert resolve_link(links, "0042a") == (6, links[6])
    assert resolve_link(links, "0042ab7c1d2e3f40") == (6, links[6])
    # where the number's own link is the one whose id it begins, both readings agree
    same = _many(500, l42="0042ab7c1d2e3f40")
    assert resolve_link(same, "0042") == (41, same[41])
    # under four digits a number in range stays a number, whatever ids begin with it
    assert resolve_link(_many(500, l7="042ab7c1d2e3f400"), "042") == (41, _many(500)[41])
    # an 8-digit prefix (as the CLI test uses) can only collide with a number through its zeros
    eight = _many(3, l1="00000002c1d2e3f4")
    with pytest.raises(WorkbenchError, match="00000002 is link number 2 and also begins link id 00000002c1d2e3f4"):
        resolve_link(eight, "00000002")


HEX = "0123456789abcdef"


@settings(derandomize=True, max_examples=150, deadline=None, database=None)  # a guard must not draw its own luck
@given(st.lists(st.text(alphabet=st.sampled_from("0" * 8 + "0123456789" * 3 + HEX), min_size=16, max_size=16),
                min_size=1, max_size=40, unique=True),
       st.integers(1, 8))  # fmt: skip
@example(["106685955cb046fe", "d3b627a6c72740da", "a2b93e816b9f400f"], 8)  # CI's all-digit prefix (f12a5c3)
@example(["9abc000000000000", "9def000000000000", "2e00000000000000"], 1)  # CI's `--link 9` of 3 links (6433eb0)
@example(["0002ab7c1d2e3f40", "ab00000000000000", "cd00000000000000"], 4)  # a number in range and another's id
def test_whatever_ids_are_drawn_a_reference_never_names_a_link_it_does_not_name(ids: list[str], k: int) -> None:
    """Digit-heavy ids, as CI may draw: a number in range is that link; a full id is its link; a
    prefix of k characters is its link, or refused when it could name two (two ids, or a number in
    range and another link's id), never another link. Under four digits it is a number only."""
    links = _links(*ids)
    for n in range(1, min(len(links), 999) + 1):
        assert resolve_link(links, str(n)) == (n - 1, links[n - 1])
        assert resolve_link(links, f"#{n}") == (n - 1, links[n - 1])
    for i, lk in enumerate(links):
        assert resolve_link(links, lk.id) == (i, lk)
        ref = lk.id[:k]
        number = int(ref) if ref.isdigit() and 1 <= int(ref) <= len(links) else None
        if ref.isdigit() and len(ref) < MIN_ID_PREFIX:
            readings = set() if number is None else {number - 1}
        else:
            readings = {j for j, other in enumerate(links) if other.id.startswith(ref)}
            readings |= set() if number is None else {number - 1}
        if len(readings) == 1:
            assert resolve_link(links, ref)[0] in readings, (ref, ids)
        else:
            with pytest.raises(WorkbenchError):
                resolve_link(links, ref)

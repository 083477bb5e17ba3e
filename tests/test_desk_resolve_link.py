"""A link named on the command line: by number, ``#number``, id or id prefix. Ids are hex, so a
prefix may be all digits; it must still find its link (a CI run once drew such an id)."""

from __future__ import annotations

import pytest

from workbench.desk import resolve_link
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


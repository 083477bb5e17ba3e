"""The concordance and translation memory on real-shaped Hebrew: each normalisation needed by a query,
English options, phrases, NEAR, wildcards, both languages at once, the index kept current by edits,
reference memory, repeats; on whichever backend the suite runs (SQLite, or PostgreSQL with
WORKBENCH_TEST_PG)."""

from __future__ import annotations

import json

import pytest

from workbench import search as S
from workbench.errors import WorkbenchError
from workbench.model import Document, Link, Paragraph, Text
from workbench.search_text import parse_query

# Sentences of the Introduction to the Book of Zohar (corpus/intro_zohar, CC BY-NC / CC0), pointed
# and prefixed forms as they occur in Baal HaSulam's texts.
HE = [
    "כג. באופן שגם נפשות בני אדם הרוחניות, אשר מכוח לבושי אור חוזר שמקבלות מעולמות העליונים.",
    "וּבָאוֹר הַחוֹזֵר הזה נתקנו כל העולמות, וזהו עביות דבחינה ד' שבמסך.",
    "ובי\u05f4ע אין אלא הארה, והמ\"ן עולים מלמטה למעלה.",
    "ואמרו חז\"ל כי התענוג הגדול והרצון לקבל הגדול עולים בקנה אחד ממש.",
    "ואמרו חז\"ל כי התענוג הגדול והרצון לקבל הגדול עולים בקנה אחד ממש.",
]
EN = [
    "In that, a spiritual person, who through the strength of the Returning Light they receive from the higher worlds.",
    "By this Returning Light all the worlds were corrected, and this is the coarseness of Phase Four in the Masach.",
    "And in BYA there is only an illumination, and the MAN rise from below upward.",
    "Our sages said that the great pleasure and the great desire to receive rise together.",
    "Our sages said that the great delight and the great will to receive come up as one.",
]


@pytest.fixture
def corpus(store):  # noqa: ANN001, ANN201
    src = [Paragraph(t) for t in HE]
    tgt = [Paragraph(t) for t in EN]
    doc = Document("Intro", Text("he", src), Text("en", tgt))
    links = [Link([s.id], [t.id]) for s, t in zip(src, tgt, strict=True)]
    doc_id = store.create_document(doc, "system", links=links)
    return store, doc_id, src, tgt


def sources(res: S.SearchResult) -> list[str]:
    return [h.source for h in res.hits]


def spans(h: S.Hit, side: str = "source") -> list[str]:
    text = h.source if side == "source" else h.target
    return [text[a:b] for a, b in (h.source_spans if side == "source" else h.target_spans)]


def test_prefixed_forms_match_the_bare_word(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    res = S.search(store, "אור חוזר")
    assert len(res.hits) == 2
    # ובאור החוזר: two prefixes on one word, the article on the other, and the text is pointed
    pointed = next(h for h in res.hits if "וּבָאוֹר" in h.source)
    assert spans(pointed) == ["וּבָאוֹר", "הַחוֹזֵר"]
    assert len(S.search(store, "במסך").hits) == 1  # שבמסך is ש + במסך
    assert S.search(store, "למסך").hits == []  # but not ש + למסך
    assert len(S.search(store, "מסך").hits) == 1  # שבמסך, final ך in the query


def test_pointed_query_matches_unpointed_text(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    res = S.search(store, "נַפְשׁוֹת")
    assert [spans(h) for h in res.hits] == [["נפשות"]]


def test_gershayim_acronyms_in_every_spelling_and_never_the_plain_word(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    for q in ('בי"ע', "בי\u05f4ע", "בי\u201dע"):
        res = S.search(store, q)
        assert [spans(h) for h in res.hits] == [["ובי\u05f4ע"]], q
    assert [spans(h) for h in S.search(store, 'מ"ן').hits] == [['והמ"ן']]
    assert S.search(store, "מן").hits == []  # the acronym is not the word מן


def test_geresh_numeral_and_aramaic_construct(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    res = S.search(store, "\"עביות בחינה ד'\"")  # דבחינה: the Aramaic ד before the word
    assert [spans(h) for h in res.hits] == [["עביות דבחינה ד'"]]


def test_exact_mode_counts_prefixes_and_points(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    assert len(S.search(store, "אור").hits) == 2
    assert [spans(h) for h in S.search(store, "אור", exact=True).hits] == [["אור"]]
    assert S.search(store, "ובאור", exact=True).hits == []  # the text is pointed: exact means as written
    assert len(S.search(store, "וּבָאוֹר", exact=True).hits) == 1


def test_words_joined_by_a_maqaf_or_hyphen_are_a_phrase_and_cantillation_is_ignored(store) -> None:  # noqa: ANN001
    """The text's words are cut at a maqaf, a hyphen or a digit; a query is cut the same way (a
    query word glued by one used to be looked up as one word and found nothing). Cantillation marks
    (Genesis 1:1 as printed with te'amim) are ignored like points; a geresh typed as an apostrophe
    finds the Hebrew geresh."""
    s = Paragraph("כתב בעל־הסולם על אור-חוזר בסעיף 12א. בְּרֵאשִׁ֖ית בָּרָ֣א אֱלֹהִ֑ים. בחינה ד׳ כאן.")
    t = Paragraph("Baal HaSulam wrote on Returning-Light in item 12a.")
    store.create_document(Document("d", Text("he", [s]), Text("en", [t])), links=[Link([s.id], [t.id])])
    for q, want in (("בעל-הסולם", ["בעל־הסולם"]), ("אור־חוזר", ["אור-חוזר"]), ('"אור חוזר"', ["אור-חוזר"]),
                    ("בסעיף 12א", ["בסעיף", "12א"]), ("בראשית ברא", ["בְּרֵאשִׁ֖ית", "בָּרָ֣א"]),
                    ("בחינה ד'", ["בחינה", "ד׳"])):  # fmt: skip
        assert [spans(h) for h in S.search(store, q).hits] == [want], q
    assert [spans(h, "target") for h in S.search(store, "returning-light").hits] == [["Returning-Light"]]
    assert S.search(store, "אור-עליון").hits == []


def test_english_case_diacritics_and_stemming(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    assert len(S.search(store, "returning LIGHT").hits) == 2
    assert len(S.search(store, "Másach").hits) == 1  # accents ignored
    assert S.search(store, "returning LIGHT", exact=True).hits == []
    assert S.search(store, "receives").hits == []
    assert len(S.search(store, "receives", stem=True).hits) == 3  # receive (x2) and receive
    h = S.search(store, "correcting", stem=True).hits[0]
    assert spans(h, "target") == ["corrected"]


def test_phrase_near_and_wildcard(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    assert len(S.search(store, '"returning light"').hits) == 2
    assert S.search(store, '"light returning"').hits == []
    assert len(S.search(store, "strength NEAR/3 light").hits) == 1  # 3 words between
    assert S.search(store, "strength NEAR/2 light").hits == []
    assert len(S.search(store, "התענוג NEAR/3 לקבל").hits) == 2
    assert [spans(h, "target") for h in S.search(store, "illumin*").hits] == [["illumination"]]
    assert [spans(h, "target") for h in S.search(store, "il*tion").hits] == [["illumination"]]
    assert [spans(h) for h in S.search(store, "עולמ*").hits] == [["מעולמות"], ["העולמות"]] or \
        sorted(spans(h)[0] for h in S.search(store, "עולמ*").hits) == ["העולמות", "מעולמות"]


def test_both_languages_in_the_same_link(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    res = S.search(store, "התענוג pleasure")
    assert len(res.hits) == 1
    h = res.hits[0]
    assert spans(h) == ["התענוג"] and spans(h, "target") == ["pleasure"]
    assert S.search(store, "התענוג correcting").hits == []
    assert [h.to_dict()["document"] for h in S.search(store, "אור", lang="he").hits] == [corpus[1]] * 2
    assert S.search(store, "light", lang="he").hits == []


def test_index_is_kept_current_by_edits(corpus) -> None:  # noqa: ANN001
    store, doc_id, src, tgt = corpus
    S.search(store, "אור")  # built
    assert store.search.is_built()
    store.update_paragraph(src[0].id, "כג. אור פנימי בלבד.", expected_rev=src[0].rev)
    assert len(S.search(store, "חוזר").hits) == 1
    assert len(S.search(store, "פנימי").hits) == 1
    store.delete_paragraph(src[1].id, expected_rev=src[1].rev)
    assert S.search(store, "חוזר").hits == []
    new = store.insert_paragraph(doc_id, "source", 0, Paragraph("אור מקיף חדש"))
    assert [h.source for h in S.search(store, "מקיף").hits] == [new.text]
    store.delete_document(doc_id)
    assert S.search(store, "אור").hits == [] and store.search.units() == 0


def test_a_new_version_of_a_side_and_its_revert_keep_the_index_current(corpus) -> None:  # noqa: ANN001
    """workbench update (a revised translation replacing the side) and its revert: the index follows
    both, in the same transaction as the paragraphs."""
    from workbench.update import apply_update, plan_update, revert_update

    store, doc_id, src, tgt = corpus
    assert len(S.search(store, "coarseness").hits) == 1
    new = [Paragraph(t.replace("coarseness", "thickness")) for t in EN] + [Paragraph("A translator's afterword.")]
    result = apply_update(store, plan_update(store, doc_id, "target", new, file="en2.txt"), "system")
    assert S.search(store, "coarseness").hits == []
    assert [spans(h, "target") for h in S.search(store, "thickness").hits] == [["thickness"]]
    assert len(S.search(store, "afterword").hits) == 1
    revert_update(store, result["change"], "system")
    assert S.search(store, "thickness").hits == [] and S.search(store, "afterword").hits == []
    assert len(S.search(store, "coarseness").hits) == 1


def test_a_project_without_index_is_indexed_on_first_use(corpus) -> None:  # noqa: ANN001
    from workbench.store.search_index import clear

    store, *_ = corpus
    with store.transaction() as c:
        clear(c)
    assert not store.search.is_built()
    assert len(S.search(store, "אור חוזר").hits) == 2
    assert store.search.is_built()


def test_sentence_pairs_when_the_link_has_a_sentence_alignment(store) -> None:  # noqa: ANN001
    s = Paragraph("הראשון כאן. השני עם אור חוזר.")
    t = Paragraph("The first here. The second with returning light.")
    doc = Document("d", Text("he", [s]), Text("en", [t]))
    store.create_document(doc, links=[Link([s.id], [t.id], sentences=[{"source": [0], "target": [0]},
                                                                        {"source": [1], "target": [1]}])])
    h = S.search(store, "אור חוזר").hits[0]
    assert h.unit == "sentence" and h.source == "השני עם אור חוזר." and h.target == "The second with returning light."


def test_renderings_and_adding_the_pair_to_the_termbase(corpus) -> None:  # noqa: ANN001
    store, *_ = corpus
    rep = S.renderings(store, "אור חוזר")
    assert rep.units == 2 and rep.renderings[0].rendering.lower() == "returning light"
    assert rep.renderings[0].count == 2
    assert all(spans(h, "target") == ["Returning Light"] for h in rep.hits)
    term = S.add_to_termbase(store, "אור חוזר", "Returning Light", "system")
    assert term.source == "אור חוזר" and term.status == "proposed"
    with pytest.raises(WorkbenchError, match="already has"):
        S.add_to_termbase(store, "אור חוזר", "Returning Light", "system")


def test_a_hebrew_query_is_highlighted_on_both_sides_memory_included(corpus) -> None:  # noqa: ANN001
    """concordance(): each result's English rendering marked, also in a reference unit the
    renderings were not counted on; an English query has no renderings to count."""
    store, *_ = corpus
    store.search.import_memory("old", "old.tmx", "he", "en",
                               [("כל אור חוזר עולה", "All returning light rises", None)], "system")  # fmt: skip
    res, report = S.concordance(store, "אור חוזר")
    assert report is not None and report.renderings[0].rendering == "Returning Light"
    marked = {h.origin: spans(h, "target") for h in res.hits}
    assert marked == {"corpus": ["Returning Light"], "memory: old": ["returning light"]}
    res, report = S.concordance(store, "pleasure")  # found once: nothing to tell its Hebrew by
    assert report is None and spans(res.hits[0], "target") == ["pleasure"] and res.hits[0].source_spans == []


def test_an_english_query_marks_the_hebrew_beside_it(corpus) -> None:  # noqa: ANN001
    """The other way round: the Hebrew that stands beside "returning light" in every unit, whatever
    its prefixes and points."""
    store, *_ = corpus
    res, report = S.concordance(store, '"returning light"')
    assert report is None
    assert sorted(spans(h) for h in res.hits) == [["אור חוזר"], ["וּבָאוֹר הַחוֹזֵר"]]
    assert all(spans(h, "target") == ["Returning Light"] for h in res.hits)


def test_adding_to_the_termbase_is_refused_to_a_viewer(corpus) -> None:  # noqa: ANN001
    from workbench.roles import PermissionDenied

    store, *_ = corpus
    store.accounts.add("boss", "admin", "correct horse battery")
    store.accounts.add("vera", "viewer", "correct horse battery", user="boss")
    with pytest.raises(PermissionDenied):
        S.add_to_termbase(store, "אור חוזר", "Returning Light", "vera")
    assert store.terms.count() == 0


def test_memory_suggestions_percent_and_exact_repeats(corpus) -> None:  # noqa: ANN001
    store, doc_id, src, tgt = corpus
    links = store.get_links(doc_id)
    sug = S.suggestions(store, doc_id, links[3].id)
    assert sug[0].percent == 100 and sug[0].repeat and sug[0].repeat_words >= 8
    assert sug[0].link == links[4].id and sug[0].target == EN[4]
    assert all(s.link != links[3].id for s in sug)
    fuzzy = S.suggestions_for_text(store, "ואמרו כי התענוג הגדול והרצון לקבל הגדול")
    assert fuzzy and 50 <= fuzzy[0].percent < 100 and not fuzzy[0].repeat


def test_repeats_report_groups_differing_renderings_with_a_word_diff(corpus, tmp_path) -> None:  # noqa: ANN001
    store, *_ = corpus
    groups = S.repeats(store)
    assert len(groups) == 1
    g = groups[0]
    assert g.words >= 8 and len(g.occurrences) == 2 and g.renderings == 2
    assert ("del", "pleasure ") in g.diffs[0] and ("ins", "delight ") in g.diffs[0]
    assert S.write_repeats(groups, tmp_path / "r.csv") == 2
    csv_text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "Our sages said" in csv_text and "diff_from_first" in csv_text
    assert "[-pleasure-] {+delight+}" in csv_text  # the word diff, in wdiff's notation
    assert S.write_repeats(groups, tmp_path / "r.xlsx") == 2
    from openpyxl import load_workbook

    rows = list(load_workbook(tmp_path / "r.xlsx").active.iter_rows(values_only=True))
    assert rows[0][-1] == "diff_from_first" and rows[1][-1] in (None, "") and "{+delight+}" in rows[2][-1]
    with pytest.raises(WorkbenchError):
        S.write_repeats(groups, tmp_path / "r.txt")


def test_repeats_found_through_the_index_are_those_of_reading_every_link(store) -> None:  # noqa: ANN001
    """The index says which links can hold a repeat; a quotation that crosses a paragraph boundary
    inside a link of two paragraphs is still found, and the groups are those of the full reading."""
    quote = "ואמרו חז\"ל כי התענוג הגדול והרצון לקבל הגדול עולים בקנה אחד ממש".split()
    a1, a2 = Paragraph("פתיחה כאן " + " ".join(quote[:5])), Paragraph(" ".join(quote[5:]) + " וסוף")
    b1 = Paragraph("וכבר " + " ".join(quote) + " עכ\"ל.")
    c1 = Paragraph("דבר אחר לגמרי שאין בו שום ציטוט מן הכתובים כלל ועיקר בשום אופן")
    ta, tb, tc = Paragraph("the great pleasure"), Paragraph("the great delight"), Paragraph("other")
    store.create_document(Document("A", Text("he", [a1, a2]), Text("en", [ta])), links=[Link([a1.id, a2.id], [ta.id])])
    store.create_document(Document("B", Text("he", [b1, c1]), Text("en", [tb, tc])),
                          links=[Link([b1.id], [tb.id]), Link([c1.id], [tc.id])])  # fmt: skip
    fast, full = S.repeats(store), S.repeats(store, use_index=False)
    assert [g.to_dict() for g in fast] == [g.to_dict() for g in full]
    assert len(fast) == 1 and fast[0].words == len(quote)
    assert sorted(o.english for o in fast[0].occurrences) == ["the great delight", "the great pleasure"]
    from workbench.store.search_index import shingle_hashes

    assert store.search.repeated_paragraphs() == set()  # no paragraph alone shares 8 words with another
    # the runs of link A's passage (crossing its boundary, and a2's own 8 words) are in b1 and a2
    assert store.search.repeated_paragraphs(shingle_hashes(a1.text + "\n" + a2.text)) == {b1.id, a2.id}


def test_reference_memory_is_searchable_labelled_and_read_only(corpus, tmp_path) -> None:  # noqa: ANN001
    from workbench.io.tmx import read_tmx

    store, *_ = corpus
    path = tmp_path / "old.tmx"
    path.write_text('<?xml version="1.0"?><tmx version="1.4"><header srclang="he-IL" segtype="sentence"/>'
                    '<body><tu><tuv xml:lang="he-IL"><seg>אור מקיף <ph>&lt;b/&gt;</ph>סובב</seg></tuv>'
                    '<tuv xml:lang="en-US"><seg>Surrounding Light</seg></tuv></tu></body></tmx>', encoding="utf-8")
    mem = read_tmx(path)
    store.search.import_memory("OmegaT 2019", path.name, mem.source_lang, mem.target_lang, mem.units, "system")
    hits = S.search(store, "מקיף").hits
    assert [(h.origin, h.source, h.target) for h in hits] == [("memory: OmegaT 2019", "אור מקיף סובב", "Surrounding Light")]
    assert S.search(store, "מקיף", memory=False).hits == []
    assert S.suggestions_for_text(store, "אור מקיף סובב")[0].origin == "memory: OmegaT 2019"
    with pytest.raises(WorkbenchError, match="exists already"):
        store.search.import_memory("OmegaT 2019", path.name, "he", "en", mem.units, "system")
    store.search.rebuild()
    assert len(S.search(store, "מקיף").hits) == 1
    assert store.search.remove_memory("OmegaT 2019", "system") == 1
    assert S.search(store, "מקיף").hits == []


@pytest.mark.parametrize("query", ["", "   ", '"open', "a NEAR/5", "NEAR/3 b", "*ing", "light NEAR b", "אור NEAR/3 light"])
def test_bad_queries_are_refused_in_one_line(query: str) -> None:
    with pytest.raises(WorkbenchError) as exc:
        parse_query(query)
    assert "\n" not in str(exc.value)


def test_cli_search_json_contract_and_exit_codes(corpus, capsys) -> None:  # noqa: ANN001
    from workbench.cli import main

    store, doc_id, *_ = corpus
    assert main(["--db", str(store.path) if not str(store.path).startswith("postgres") else _url(store),
                 "search", "אור חוזר", "--json", "--limit", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out) == 1
    assert {"document", "link", "source", "target", "source_spans", "target_spans", "score"} <= set(out[0])
    h = out[0]
    assert h["document"] == doc_id and len(h["source_spans"]) == 2
    # a Hebrew query: the English side carries the rendering of the match, highlighted too
    assert [h["target"][a:b] for a, b in h["target_spans"]] == ["Returning Light"]
    db = str(store.path) if not str(store.path).startswith("postgres") else _url(store)
    assert main(["--db", db, "search", '"open']) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unclosed" in err
    assert main(["--db", db, "search", "x", "--doc", "999"]) == 2
    assert main(["--db", db, "repeats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["words"] >= 8
    assert main(["--db", db, "search", "אור חוזר", "--renderings", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["renderings"][0]["count"] == 2


def _url(store) -> str:  # noqa: ANN001
    import os

    return os.environ["WORKBENCH_DB"]


def test_the_index_table_recreated_by_clear_is_the_migrations() -> None:
    from importlib import resources

    from workbench.store.search_index import FTS_DDL

    sql = resources.files("workbench.store.migrations").joinpath("0011_search.sql").read_text(encoding="utf-8")
    assert FTS_DDL + ";" in sql


def test_a_copied_project_is_searchable_with_its_reference_memory(corpus, tmp_path) -> None:  # noqa: ANN001
    """db copy leaves the derived index behind (either backend to SQLite); the copy indexes itself on
    first use, reference memory included."""
    import os

    from workbench.store import open_store
    from workbench.store.maintenance import copy_project

    store, *_ = corpus
    store.search.import_memory("old", "old.tmx", "he", "en", [("אור מקיף", "Surrounding Light", None)], "system")
    S.search(store, "אור")  # the source's index is built
    source = os.environ["WORKBENCH_DB"] if str(store.path).startswith("postgres") else str(store.path)
    report = copy_project(source, tmp_path / "copy.db")
    assert report.rows > 0 and "search_units" not in {t.table for t in report.tables}
    other = open_store(tmp_path / "copy.db")
    assert not other.search.is_built()
    assert len(S.search(other, "אור חוזר").hits) == 2
    assert [h.origin for h in S.search(other, "מקיף").hits] == ["memory: old"]

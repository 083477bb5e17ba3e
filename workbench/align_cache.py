"""The aligner's signals for a stored document, with the project's embedding cache handed in.

The alignment area is pure (it never imports the store), so the services that align a stored
document (``workbench align-doc``, the Alignment page's re-align, ``workbench update``'s local
re-alignment) build the signal set here: the default one, whose embedding signal, when it is on
(``workbench[embed]`` installed: where an alignment without it is doubtful, or always with ``--embed``
or ``WORKBENCH_EMBED=1``), keeps its vectors in
the project database (:mod:`workbench.store.embeddings`), so a second alignment embeds only the
texts not seen before. Same signals, same weights: the links are the same with or without it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workbench.store import Store


def store_signals(store: Store, embed: bool | None = None, *, learn: bool = True) -> list[object] | None:
    """The signal set for aligning a document of ``store``: None (the aligner's default set,
    unchanged) unless the embedding signal is in it or ``embed``/``learn`` ask for another set
    (see :func:`workbench.align.signals.default_signals`)."""
    from workbench.align.signals import default_signals

    sigs = default_signals(embed=embed, learn=learn, embed_cache=store.embeddings)
    if embed is None and learn and not any(getattr(s, "name", None) == "embedding" for s in sigs):
        return None
    return sigs


def store_align(store: Store) -> Callable[[Sequence[str], Sequence[str]], list[tuple[list[int], list[int], float]]] | None:
    """The stretch aligner for :func:`workbench.align.revise.relink` with the project's embedding
    cache (a fresh signal set for each stretch, as the default does), or None (the default) when
    the embedding signal is off."""
    if store_signals(store) is None:
        return None
    from workbench.align.revise import default_align

    return lambda src, tgt: default_align(src, tgt, signals=store_signals(store))

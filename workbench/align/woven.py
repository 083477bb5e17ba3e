"""Translations with commentary woven in: where paragraph lengths say little, learn from more links.

An English that weaves a commentary into the translation (the William Davidson Talmud's Steinsaltz,
the Sulam in an English Zohar) runs 2 to 45 times its Aramaic from line to line. The length model
then tells a 2-1 merge from a 1-1 link no better than chance, the first pass is sure of few links
(5 to 12 of the Bavli set's 48, against 34 to 38 for the same lines with only the literal English),
and the learned lexicon, trained only on links the first pass is at least 0.9 sure of, learns 0 to
13 word pairs where the literal translation gives it about 50. It is the signal such a text needs
most (the words of the translation are there, inside the commentary) and it is starved.

So where the first pass's 1-1 links show a length spread wider than :data:`WIDE_SPREAD` (the spread
``Aligner._widen_length`` estimates, in log length ratio), the learning signals train on every 1-1
link the first pass holds more likely right than wrong (posterior at least :data:`LEARN_FROM`):
Model 1 with a NULL word and both directions agreeing (:mod:`workbench.align.signals.learned`)
tolerates the wrong ones among them, and a dozen more sentence pairs name the recurring words.

Measured with ``tests/bench/align_bench.py``'s cases of the commentary-woven Bavli (mean strict F1,
seeds 1-5 / seeds 1-30): perturbed 0.771 -> 0.786 / 0.768 -> 0.783, drops 0.691 -> 0.693 /
0.679 -> 0.683, regrouped 0.454 -> 0.481 / 0.424 -> 0.444; no other set of the bench changed.

The threshold comes from the spreads the bench's documents show (seeds 1-30): every close
translation, perturbed or with drops, stays at the default 0.2 (the Baal HaSulam sets, Ruth, the
Mishnah, Mesillat Yesharim, the literal Bavli); the commentary-woven Bavli's perturbed and drop-heavy
cases sit at 0.27 to 0.57 (117 of 120 above 0.28; one drop-heavy case at 0.2), its regrouped ones
at 0.22 to 0.54 (55 of 60 above); a case below the threshold is aligned as before. Texts paragraphed anew on both sides widen the
spread too, because a first pass's wrong links stray in length: up to 0.264 for the Mishnah, 0.276
for the literal Bavli, 0.31 for Ruth and 0.32 for Mesillat Yesharim. With the threshold at 0.25 the
Mishnah's regrouped cases lost (0.901 -> 0.885 on seeds 1-5; 0.892 -> 0.889 on seeds 1-30); 0.28
keeps 0.016 from the Mishnah's widest case, and the regrouped runs of Ruth and Mesillat Yesharim
above it measured the same either way (0.873, 0.756 -> 0.757 on seeds 1-30). At 0.35 the
commentary-woven drops lost their gain. A training floor of 0.7 instead of 0.5 gained less on the
regrouped cases, 0.0 (every 1-1 link) less on the perturbed ones; 0.5 is also the natural line:
the decoder holds such a link more likely right than wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

#: length spread (log length ratio, as ``Aligner._widen_length`` estimates it) above which the
#: lengths are taken to say little (see the module docstring for where it comes from)
WIDE_SPREAD = 0.28
#: ... and the posterior from which a first-pass 1-1 link is trained on there
LEARN_FROM = 0.5


def learners_for_spread(learners: Sequence[object], sigma: float | None, *, spread: float | None = WIDE_SPREAD,
                        learn_from: float = LEARN_FROM) -> tuple[object, ...]:  # fmt: skip
    """The learning signals to train on a document whose length spread is ``sigma``: as configured,
    or (``sigma`` above ``spread``) copies that train on links from ``learn_from`` on. ``spread``
    None switches it off. The configured signals are never changed (an aligner serves many runs)."""
    if spread is None or sigma is None or sigma <= spread:
        return tuple(learners)
    out = []
    for sig in learners:
        if getattr(sig, "min_score", None) is not None and sig.min_score > learn_from:  # type: ignore[attr-defined]
            sig = copy.copy(sig)
            sig.min_score = learn_from  # type: ignore[attr-defined]
        out.append(sig)
    return tuple(out)

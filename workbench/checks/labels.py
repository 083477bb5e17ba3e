"""Item labels: the numbers of a link's source and target paragraphs must agree (יא) = 11.)."""

from __future__ import annotations

from collections.abc import Iterator

from workbench.checks.base import Issue, LinkCheck, register
from workbench.checks.context import CheckContext, LinkUnit, label_value
from workbench.hebrew import parse_label


def _label(p) -> str | None:  # noqa: ANN001
    return p.label if p.label is not None else parse_label(p.text)[0]


@register
class LabelMismatch(LinkCheck):
    id = "label-mismatch"
    name = "Label mismatch"
    severity = "error"
    one_sided = False
    description = (
        "The item labels of a link disagree: the source is labelled יא) (11) and the translation 12. "
        "A side without labels is not reported (translations may leave the numbers out)."
    )

    def check_link(self, unit: LinkUnit, ctx: CheckContext) -> Iterator[Issue]:
        if not unit.paired:
            return
        src = [(p, v) for p in unit.source if (v := label_value(p)) is not None]
        if not src:
            return
        tgt = [(p, v) for p in unit.target if (v := label_value(p)) is not None]
        if not tgt:
            return
        sv, tv = [v for _, v in src], [v for _, v in tgt]
        if sv == tv:
            return
        p = tgt[0][0]
        s_lab = ", ".join(f"{_label(q)} ({v})" for q, v in src)
        t_lab = ", ".join(f"{_label(q)}" for q, _ in tgt)
        lab = _label(p) or ""
        start = p.text.find(lab) if lab else 0
        yield self.issue(
            f"label mismatch: source {s_lab}, translation {t_lab}",
            para_id=p.id,
            start=max(0, start),
            end=max(0, start) + len(lab),
            key=f"{sv}|{tv}",
            data={"source": sv, "target": tv},
        )

"""A stand-in for ``workbench.store.findings`` implementing the contract the exporters rely on:

``FindingsRepo(store).list(doc_id=None) -> [Finding]`` with ``Finding.to_dict()`` (tags included),
and ``FindingsRepo.restore(records, *, doc_id, ids={"paragraphs", "links", "terms"}, user) -> int``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Finding:
    doc_id: int
    check: str
    severity: str
    message: str
    para_id: str | None = None
    link_id: str | None = None
    term_id: int | None = None
    tags: list[str] = field(default_factory=list)
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class FindingsRepo:
    def __init__(self, store: Any) -> None:
        self.store = store
        self.items: list[Finding] = []

    def add(self, f: Finding) -> Finding:
        f.id = len(self.items) + 1
        self.items.append(f)
        return f

    def list(self, doc_id: int | None = None) -> list[Finding]:
        return [f for f in self.items if doc_id is None or f.doc_id == doc_id]

    def restore(self, records: list[dict[str, Any]], *, doc_id: int, ids: dict[str, dict], user: str) -> int:
        for r in records:
            d = dict(r)
            d.update(id=None, doc_id=doc_id)
            if d.get("para_id"):
                d["para_id"] = ids["paragraphs"][d["para_id"]]
            if d.get("link_id"):
                d["link_id"] = ids["links"][d["link_id"]]
            if d.get("term_id") is not None:
                d["term_id"] = ids["terms"][d["term_id"]]
            self.add(Finding(**d))
        return len(records)

"""Build ``workbench/align/data/tanakh.tsv.gz``, the verse index the quotation signal reads, from the
Open Scriptures Hebrew Bible (the Westminster Leningrad Codex, public domain; OSHB markup CC BY 4.0),
as the npm registry ships it (``morphhb``).

    npm pack morphhb@2.0.2   # or: curl -O https://registry.npmjs.org/morphhb/-/morphhb-2.0.2.tgz
    python tests/bench/build_tanakh.py morphhb-2.0.2.tgz

One line a verse: the OSIS book id, chapter, verse and the verse's consonants (points, accents and
morpheme slashes removed; a maqqef is a space), tab-separated, in the codex's order. Deterministic:
the same tarball gives the same bytes (gzip without a timestamp).
"""

from __future__ import annotations

import gzip
import io
import sys
import tarfile
import unicodedata
from pathlib import Path
from xml.etree import ElementTree as ET

OUT = Path(__file__).resolve().parents[2] / "workbench" / "align" / "data" / "tanakh.tsv.gz"
NS = "{http://www.bibletechnologies.net/2003/OSIS/namespace}"
BOOKS = ("Gen Exod Lev Num Deut Josh Judg 1Sam 2Sam 1Kgs 2Kgs Isa Jer Ezek Hos Joel Amos Obad Jonah Mic Nah "
         "Hab Zeph Hag Zech Mal Ps Prov Job Song Ruth Lam Eccl Esth Dan Ezra Neh 1Chr 2Chr").split()


def consonants(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if "\u05d0" <= c <= "\u05ea")


def verses(xml: bytes) -> list[tuple[str, int, int, str]]:
    root = ET.fromstring(xml)
    out = []
    for v in root.iter(NS + "verse"):
        book, ch, vs = v.get("osisID", "").split(".")
        words = [consonants(w.text or "") for w in v.iter(NS + "w")]
        out.append((book, int(ch), int(vs), " ".join(w for w in words if w)))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: build_tanakh.py morphhb-VERSION.tgz", file=sys.stderr)
        return 2
    with tarfile.open(argv[0]) as tar:
        files = {Path(m.name).stem: m for m in tar.getmembers() if m.name.startswith("package/wlc/")}
        rows = [r for b in BOOKS for r in verses(tar.extractfile(files[b]).read())]  # type: ignore[union-attr]
    text = "".join(f"{b}\t{c}\t{v}\t{t}\n" for b, c, v, t in rows).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(text)
    OUT.write_bytes(buf.getvalue())
    print(f"{len(rows)} verses, {len(text)} bytes, {len(buf.getvalue())} gzipped -> {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

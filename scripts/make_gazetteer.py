"""Derive kg's gazetteer of Chinese places (kg/extract/data/places.tsv) from the one jionlp ships.

jionlp's dictionary/china_location.zip holds the administrative divisions of China down to villages. kg keeps
provinces, prefectures, counties (with the short forms jionlp gives: 大理白族自治州 -> 大理) and towns
(镇 / 乡 / 街道, full names only), each with the province and prefecture it belongs to, so that a place can be
recognised without a suffix and an official's 省委 / 市委 can be tied to the article's province or city.

    pip download jionlp==1.5.31 --no-deps -d /tmp/jio
    python scripts/make_gazetteer.py /tmp/jio/jionlp-1.5.31-py2.py3-none-any.whl
    python scripts/make_gazetteer.py            # from an installed jionlp
"""

from __future__ import annotations

import importlib.util
import io
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kg" / "extract" / "data" / "places.tsv"
LEVELS = ("province", "prefecture", "county", "town")
TOWN_ENDS = ("镇", "乡", "街道")


def _location_text(source: str | None) -> str:
    if source:
        with zipfile.ZipFile(source) as wheel:
            inner = wheel.read("jionlp/dictionary/china_location.zip")
    else:
        spec = importlib.util.find_spec("jionlp")
        if spec is None or spec.origin is None:
            sys.exit("jionlp is not installed: pass the path of its wheel")
        inner = (Path(spec.origin).parent / "dictionary" / "china_location.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(inner)) as z:
        return z.read("china_location.txt").decode("utf-8")


def derive(text: str) -> list[str]:
    rows: list[str] = []
    chain = ["", "", ""]
    for line in text.splitlines():
        depth = len(line) - len(line.lstrip("\t"))
        cells = line.strip("\t").split("\t")
        name = cells[0].strip()
        if not name or depth > 3:
            continue
        short = cells[2].strip() if len(cells) > 2 else ""
        if depth < 3:
            chain[depth] = name
            for k in range(depth + 1, 3):
                chain[k] = ""
        if "直辖" in name or "行政区划" in name:
            continue
        if depth == 3 and not name.endswith(TOWN_ENDS):
            continue
        if depth == 1 and name == chain[0]:
            continue  # 上海市 under 上海市: the municipality once
        province = chain[0] if depth > 0 else ""
        prefecture = chain[1] if depth > 1 and chain[1] != chain[0] else ""
        rows.append("\t".join((LEVELS[depth], name, short if short != name else "", province, prefecture)))
    return sorted(set(rows), key=lambda r: (LEVELS.index(r.split("\t")[0]), r))


def main() -> None:
    rows = derive(_location_text(sys.argv[1] if len(sys.argv) > 1 else None))
    header = "# derived from jionlp's china_location by scripts/make_gazetteer.py: level, name, short, province, prefecture"
    OUT.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(rows)} places")


if __name__ == "__main__":
    main()

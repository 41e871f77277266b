"""Synthetic corpus: N Chinese financial news articles in the seed's Jekyll format, each with its gold.

    python benchmarks/make_corpus.py N OUTDIR [--seed S] [--shard-size 1000]

writes OUTDIR/articles/SSS/NAME.md and OUTDIR/gold/SSS/NAME.json (SSS = shard of `--shard-size` files).
Why synthetic: scale tests (100k articles) need many articles with exact gold, which no one annotates by
hand. Everything is a pure function of (article index, seed): the same N and seed give byte-identical files,
and the first k articles of any N are the same k articles. Articles are generated and written one at a
time (streaming), so memory stays flat. Importable: `generate_articles(n, seed)` yields (name, text, gold).
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_episodes import EPISODES, Doc, Ent, byline, noise, wan_text  # noqa: F401
from corpus_words import (
    BANKS,
    BRAND,
    CITIES,
    GIVEN,
    INDUSTRIES,
    MEDIA,
    SURNAMES,
    ZONE_KINDS,
)

WORLD_SEED = "kg-synthetic-world"


# --------------------------------------------------------------------------- the world (fixed entity pool)


class World:
    """A fixed pool of entities (independent of N, so articles are prefix-stable), reused across articles."""

    def __init__(self, n_companies: int = 6000):
        rng = random.Random(WORLD_SEED)
        self.rng = rng
        self._names: set[str] = set()
        self.people: list[Ent] = []
        self.cities: list[Ent] = []
        self.zones: list[Ent] = []
        self.govs: list[Ent] = []
        for city, province in CITIES:
            c = Ent(f"city:{city}", "Region", [f"{city}市"], city)
            c.province, c.city = province, city
            self.cities.append(c)
            gov = Ent(f"gov:{city}", "GovernmentBody", [f"{city}市人民政府"], f"{city}市政府")
            gov.city = city
            self._staff(gov, ["市长", "市委副书记、市长", "副市长", "常务副市长"], 2)
            self.govs.append(gov)
            for kind_full, kind_short in rng.sample(ZONE_KINDS, 3):
                z = Ent(f"zone:{city}{kind_full}", "Region", [f"{city}{kind_full}"], f"{city}{kind_short}")
                z.city = city
                self.zones.append(z)
                cmte = Ent(
                    f"cmte:{city}{kind_full}",
                    "GovernmentBody",
                    [f"{city}{kind_full}管理委员会"],
                    f"{city}{kind_short}管委会",
                )
                cmte.city = city
                self._staff(cmte, ["主任", "党工委书记", "副主任", "党工委副书记、管委会主任"], 2)
                self.govs.append(cmte)
        self._anchors()
        self.banks: list[Ent] = []
        self.branches: list[Ent] = []
        for full, short, kind in BANKS:
            b = Ent(f"bank:{short}", "Bank", [full], short)
            self._staff(b, ["董事长", "行长", "副行长"], 2)
            self.banks.append(b)
            if kind != "national":
                continue
            stem = full.replace("股份有限公司", "")
            for city in rng.sample(self.cities, 12):
                prov = city.province
                if prov.endswith("市"):
                    suffix = f"{prov}分行"
                else:
                    suffix = f"{prov}省分行" if rng.random() < 0.6 else f"{city.city}分行"
                forms = [f"{short}{suffix}"] if stem == short else [f"{stem}{suffix}", f"{short}{suffix}"]
                if self._claim(forms[0]):
                    br = Ent(
                        f"branch:{short}{suffix}", "Bank", forms[:1], forms[1] if len(forms) > 1 else None
                    )
                    br.parent, br.city = b, city.city
                    self._staff(br, ["行长", "党委书记、行长", "副行长"], 2)
                    self.branches.append(br)
        self.groups: list[Ent] = []
        self.companies: list[Ent] = []
        while len(self.groups) < n_companies // 6:
            g = self._company(group=True)
            if g:
                self.groups.append(g)
        while len(self.companies) < n_companies:
            c = self._company(group=False)
            if c:
                if rng.random() < 0.35:
                    c.parent = rng.choice(self.groups)
                    c.stake = rng.choice(["100%", "51%", "60%", "70%", "80%", "65%"])
                self.companies.append(c)
        self.funds: list[Ent] = []
        for city in self.cities:
            for ind_full, ind_short in rng.sample(INDUSTRIES, 2):
                full = f"{city.city}{ind_short}产业投资基金（有限合伙）"
                if self._claim(full):
                    self.funds.append(Ent(f"fund:{full}", "Fund", [full], f"{city.city}{ind_short}基金"))
        rng.shuffle(self.branches)  # so the popular head of a skewed pick is not one bank's branches
        self.lenders = self.branches + self.banks
        rng.shuffle(self.lenders)
        self._govs_by_city: dict[str, list[Ent]] = {}
        for g in self.govs:
            self._govs_by_city.setdefault(g.city, []).append(g)
        self._foreign: dict[str, Ent] = {}

    def govs_in(self, city: str) -> list[Ent]:
        """The government bodies of a city (the Lingang committee for the Lingang zone)."""
        return self._govs_by_city.get(city) or [self.lingang_cmte]

    def foreign(self, full: str, short: str) -> Ent:
        """A bank outside the mainland network (a channel for cross-border funds)."""
        if full not in self._foreign:
            self._foreign[full] = Ent(f"foreign:{full}", "Bank", [full], short)
        return self._foreign[full]

    def _claim(self, name: str) -> bool:
        if name in self._names:
            return False
        self._names.add(name)
        return True

    def _person(self) -> Ent:
        rng = self.rng
        while True:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
            if self._claim(name):
                p = Ent(f"person:{name}", "Person", [name])
                self.people.append(p)
                return p

    def _staff(self, org: Ent, titles: list[str], k: int) -> None:
        for title in self.rng.sample(titles, k):
            org.execs.append((self._person(), title))

    def _company(self, group: bool) -> Ent | None:
        rng = self.rng
        city = rng.choice(self.cities)
        brand = "".join(rng.sample(BRAND, 2))
        place = rng.choice((city.province, city.city, city.city)) if rng.random() < 0.8 else ""
        if group:
            full, short = f"{place}{brand}集团有限公司", f"{brand}集团"
            titles = ["董事长", "党委书记、董事长", "总裁", "副总裁"]
        else:
            ind_full, ind_short = rng.choice(INDUSTRIES)
            legal = rng.choice(("股份有限公司", "有限公司", "有限公司"))
            if place and rng.random() < 0.2:
                full = f"{brand}{ind_full}（{city.city}）有限公司"
            else:
                full = f"{place}{brand}{ind_full}{legal}"
            short = f"{brand}{ind_short}"
            titles = ["董事长", "总经理", "董事长兼总经理", "副总经理", "财务总监"]
        if not self._claim(full):
            return None
        c = Ent(f"co:{full}", "Company", [full], short)
        c.city = city.city
        c.industry = "" if group else ind_full
        self._staff(c, titles, 2)
        return c

    def _anchors(self) -> None:
        """Organisations known under several full names, so cross-article resolution has work to do."""
        self.pingan = Ent(
            "anchor:pingan", "Company", ["中国平安保险(集团)股份有限公司", "中国平安集团"], "中国平安"
        )
        self.lingang_group = Ent(
            "anchor:lingang-group", "Company", ["上海临港经济发展（集团）有限公司"], "临港集团"
        )
        self.lingang = Ent(
            "anchor:lingang", "Region", ["上海自贸区临港新片区", "上海临港新片区"], "临港新片区"
        )
        self.lingang_cmte = Ent("anchor:lingang-cmte", "GovernmentBody", ["临港新片区管委会"], None)
        for e in (self.pingan, self.lingang_group, self.lingang, self.lingang_cmte):
            for f in e.forms:
                self._claim(f)
        self._staff(self.pingan, ["总经理助理", "副总经理"], 2)
        self._staff(self.lingang_group, ["党委书记、董事长", "总裁"], 2)
        self._staff(self.lingang_cmte, ["常务副主任", "副主任"], 2)
        self.zones.append(self.lingang)
        self.govs.append(self.lingang_cmte)

    # skewed picks: a few entities are popular, most are rare (as in real news)
    def pick(self, pool: list[Ent], rng: random.Random, avoid: tuple = ()) -> Ent:
        while True:
            e = pool[int(len(pool) * rng.random() ** 1.6)]
            if e not in avoid:
                return e

    def company(self, rng: random.Random, avoid: tuple = ()) -> Ent:
        if rng.random() < 0.015 and self.lingang_group not in avoid:
            return self.lingang_group
        if rng.random() < 0.01 and self.pingan not in avoid:
            return self.pingan
        return self.pick(self.companies if rng.random() < 0.8 else self.groups, rng, avoid)


_WORLD: World | None = None


def world() -> World:
    global _WORLD
    if _WORLD is None:
        _WORLD = World()
    return _WORLD


# --------------------------------------------------------------------------- one article


def _article_date(rng: random.Random) -> dt.date:
    return dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 11 * 365))


def render_markdown(
    title: str, date: dt.datetime, media: tuple[str, str], body_html: str, url: str | None
) -> str:
    """The seed's layout: front matter, one line of <p> paragraphs, optional source and navigation lines."""
    name, slug = media
    head = (
        f'---\nlayout: post\ntitle: "{title}"\ndate: {date:%Y-%m-%d %H:%M:%S} +0800\n'
        f"categories: {slug}\ntags: {name}新闻\n---\n"
    )
    out = head + body_html + "\n"
    if url:
        out += (
            f"\n<{url}>\n\n[返回{name}新闻](//news.example.com/category/{slug}.html)"
            "｜[返回首页](//news.example.com/)\n"
        )
    return out


def generate_article(i: int, seed: int) -> tuple[str, str, dict]:
    """Article number i of the corpus of `seed`: (name, file text, gold dict)."""
    w = world()
    rng = random.Random(f"{seed}:{i}")
    date = _article_date(rng)
    doc = Doc(w, rng, date, noisy_punct=rng.random() < 0.25)
    media = rng.choice(MEDIA)
    n_episodes = rng.choice((2, 3, 4, 4, 5, 5, 6, 7, 8))
    kinds = [rng.choice(EPISODES) for _ in range(n_episodes)]
    title = ""
    for episode in kinds:
        t = episode(doc)
        title = title or t
        for _ in range(rng.choice((0, 1, 1, 2))):
            doc.filler(rng.choice((2, 3, 4)))
    paras = [html.escape(p, quote=False) for p in doc.paragraphs]
    if rng.random() < 0.3:
        paras = noise(rng, paras, media[0], date.year)
    elif rng.random() < 0.6:
        paras.append(html.escape(byline(rng), quote=False))
    body = "".join(f"<p>{p}</p>" for p in paras)
    stamp = dt.datetime.combine(date, dt.time(rng.randrange(7, 23), rng.randrange(60), rng.randrange(60)))
    url = (
        f"http://news.example.com/html/{date:%Y%m%d}/{rng.getrandbits(40):010x}.html"
        if rng.random() < 0.7
        else None
    )
    name = f"{i:06d}_{rng.getrandbits(64):016x}"
    return name, render_markdown(title, stamp, media, body, url), doc.gold()


def generate_articles(n: int, seed: int = 0) -> Iterator[tuple[str, str, dict]]:
    """Yield (name, text, gold) for articles 0..n-1, one at a time."""
    for i in range(n):
        yield generate_article(i, seed)


def gold_json(gold: dict) -> str:
    return json.dumps(gold, ensure_ascii=False) + "\n"  # compact: the C encoder (indent is pure Python)


def write_corpus(n: int, outdir: Path, seed: int = 0, shard_size: int = 1000) -> dict:
    """Stream n articles and their gold into shards of `shard_size`; return figures for the summary."""
    width = max(3, len(str(max(n - 1, 0) // shard_size)))
    t0 = time.perf_counter()
    total = 0
    for i, (name, text, gold) in enumerate(generate_articles(n, seed)):
        shard = f"{i // shard_size:0{width}d}"
        adir, gdir = outdir / "articles" / shard, outdir / "gold" / shard
        if i % shard_size == 0:
            adir.mkdir(parents=True, exist_ok=True)
            gdir.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (adir / f"{name}.md").write_bytes(data)
        (gdir / f"{name}.json").write_text(gold_json(gold), encoding="utf-8")
        total += len(data)
    secs = time.perf_counter() - t0
    return {"articles": n, "bytes": total, "seconds": secs, "shards": (n + shard_size - 1) // shard_size}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write N synthetic articles (+ gold) in the seed's format.")
    ap.add_argument("n", type=int, metavar="N", help="number of articles")
    ap.add_argument("outdir", type=Path, metavar="OUTDIR")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--shard-size", type=int, default=1000)
    args = ap.parse_args(argv)
    if args.n < 1 or args.shard_size < 1:
        ap.error("N and --shard-size must be positive")
    if args.outdir.exists() and not args.outdir.is_dir():
        ap.error(f"{args.outdir}: exists and is not a directory")
    r = write_corpus(args.n, args.outdir, args.seed, args.shard_size)
    n, secs = r["articles"], r["seconds"]
    print(
        f"wrote {n} articles in {r['shards']} shard(s) to {args.outdir}: {r['bytes'] / 1e6:.1f} MB, "
        f"mean {r['bytes'] / n / 1000:.2f} KB/article, {secs:.1f} s ({n / max(secs, 1e-9):.0f} articles/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

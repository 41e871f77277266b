"""Bad input: each problem is one line naming the file, the batch goes on, exit 1 only if something failed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ReadError
from kg.ingest import read_article, read_articles
from kg.models import Article, ArticleRef, ExtractedEntity, Extraction, Mention
from kg.ontology import EntityType

MB = 1024 * 1024
GOOD = "---\ntitle: 好文章\ndate: 2022-01-07\n---\n<p>上海银行与青浦集团签订战略合作协议。</p>\n"


def fake_extract(article: Article) -> Extraction:
    """A deterministic stand-in for kg.extract: every distinct …银行/…集团 is a Company/Bank entity."""
    entities = []
    for n, name in enumerate(dict.fromkeys(re.findall(r"[\u4e00-\u9fff]{2}(?:银行|集团)", article.text)), 1):
        mentions = [Mention(start=m.start(), end=m.end(), text=name) for m in re.finditer(name, article.text)]
        etype = EntityType.Bank if name.endswith("银行") else EntityType.Company
        entities.append(ExtractedEntity(id=f"e{n}", name=name, type=etype, mentions=mentions))
    ref = ArticleRef(
        id=article.id, path=article.path, title=article.title, date=article.date, url=article.url
    )
    return Extraction(article=ref, entities=entities)


@pytest.fixture
def fake_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("kg.ingest.pipeline.load_extractor", lambda: fake_extract)


@pytest.fixture
def bad_dir(tmp_path: Path) -> Path:
    """One file of every kind of bad input, plus one good file and one GBK file (a warning, not a failure)."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "00_good.md").write_text(GOOD, encoding="utf-8")
    (d / "01_empty.md").write_bytes(b"")
    (d / "02_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (d / "03_gbk.txt").write_bytes("进出口银行\n\n进出口银行与广西集团签约。\n".encode("gbk"))
    (d / "04_undecodable.txt").write_bytes(b"abc \xff\xfe\xfd \x80\x80 def")
    (d / "05_front_matter.md").write_text(
        '---\ntitle: "未闭合\ndate: 2022\n---\n<p>正文</p>\n', encoding="utf-8"
    )
    (d / "06_no_text.html").write_text(
        "<html><head><title>空</title><script>x()</script></head><body> </body></html>", encoding="utf-8"
    )
    with open(d / "07_huge.txt", "wb") as fh:  # sparse: costs no disk, rejected from its size alone
        fh.truncate(50 * MB)
    return d


EXPECTED_PROBLEMS = {
    "01_empty.md": "empty file",
    "02_binary.txt": "binary file (contains NUL bytes)",
    "04_undecodable.txt": "cannot decode text: not UTF-8 (invalid byte at offset 4) and not GB18030",
    "05_front_matter.md": "invalid front matter: found unexpected end of stream, line 2",
    "06_no_text.html": "no article text found",
    "07_huge.txt": "file too large: 50.0 MB > 20 MB limit",
}


def test_library_reports_each_problem_and_continues(bad_dir: Path) -> None:
    warnings: list[str] = []
    out = list(read_articles([bad_dir], on_warning=warnings.append))
    errors = {Path(e.path).name: e.problem for e in out if isinstance(e, ReadError)}
    assert errors == EXPECTED_PROBLEMS
    good = [a for a in out if isinstance(a, Article)]
    assert [Path(a.path).name for a in good] == ["00_good.md", "03_gbk.txt"]
    assert warnings == [f"{bad_dir / '03_gbk.txt'}: not valid UTF-8, decoded as GB18030"]
    gbk = good[1]
    assert (gbk.title, gbk.text) == ("进出口银行", "进出口银行与广西集团签约。")


@pytest.mark.parametrize("name", sorted(EXPECTED_PROBLEMS))
def test_read_article_raises_read_error_naming_the_file(bad_dir: Path, name: str) -> None:
    with pytest.raises(ReadError) as info:
        read_article(bad_dir / name, on_warning=lambda m: None)
    assert info.value.path == str(bad_dir / name)
    assert str(info.value) == f"{bad_dir / name}: {EXPECTED_PROBLEMS[name]}"


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("正文。" * 100_000, encoding="utf-8")  # 0.9 MB
    assert read_article(p).text.startswith("正文。")
    with pytest.raises(ReadError, match=r"file too large: 0\.9 MB > 0\.5 MB limit"):
        read_article(p, max_mb=0.5)


def test_gb18030_default_warning_uses_python_warnings(bad_dir: Path) -> None:
    with pytest.warns(UserWarning, match="decoded as GB18030"):
        read_article(bad_dir / "03_gbk.txt")


def test_front_matter_that_is_not_a_mapping(tmp_path: Path) -> None:
    p = tmp_path / "list.md"
    p.write_text("---\n- a\n- b\n---\n正文。\n", encoding="utf-8")
    with pytest.raises(ReadError, match="invalid front matter: expected a mapping, got list"):
        read_article(p)
    q = tmp_path / "open.md"
    q.write_text("---\ntitle: x\n正文。\n", encoding="utf-8")
    with pytest.raises(ReadError, match="invalid front matter: no closing '---' line"):
        read_article(q)


def test_cli_extract_lists_every_failure_and_exits_1(
    bad_dir: Path, tmp_path: Path, fake_extractor: None
) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract", str(bad_dir), "-o", str(out)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    errors = [f"Error: {bad_dir / name}: {problem}" for name, problem in EXPECTED_PROBLEMS.items()]
    assert (
        lines
        == [  # in input order, each as it happens, then the count
            *errors[:2],
            f"Warning: {bad_dir / '03_gbk.txt'}: not valid UTF-8, decoded as GB18030",
            *errors[2:],
            "6 input(s) failed",
        ]
    )
    assert "Extracted 2 article(s): 4 entities, 0 relations -> " in result.stdout
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2  # the good ones were still written


def test_cli_extract_max_mb_option(tmp_path: Path, fake_extractor: None) -> None:
    p = tmp_path / "a.md"
    p.write_text(GOOD + "<p>" + "正文。" * 1000 + "</p>", encoding="utf-8")  # 9 kB
    result = CliRunner().invoke(
        app, ["extract", str(p), "-o", str(tmp_path / "o.jsonl"), "--max-mb", "0.005"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {p}: file too large: 0.009 MB > 0.005 MB limit",
        "1 input(s) failed",
    ]


def test_cli_extract_all_good_exits_0(tmp_path: Path, fake_extractor: None) -> None:
    p = tmp_path / "a.md"
    p.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(p), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""

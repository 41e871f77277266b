"""Property test: on any mix of CJK, full/half-width punctuation, org-like names and newlines, every mention and
every evidence span quotes the text exactly, and the extractor never crashes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract import extract_article
from kg.models import Article

PIECES = [
    "有限公司",
    "股份有限公司",
    "(集团)",
    "（北京）",
    "集团",
    "银行",
    "分行",
    "管委会",
    "人民政府",
    "新片区",
    "控股",
    "董事长",
    "党委书记、",
    "行长",
    "女士",
    "旗下",
    "与",
    "签署",
    "战略合作协议",
    "《协议》",
    "(下称",
    "以下简称“",
    "”)",
    "出资",
    "5000万元",
    "1亿美元",
    "占比51%",
    "去年8月",
    "2022年1月7日",
    "通过",
    "境外融资",
    "共同出资设立",
    "合资公司",
    "落户",
    "位于",
    "出席",
    "开业仪式",
    "双方",
    "记者",
    "摄影报道",
    "、",
    "，",
    ",",
    "。",
    ".",
    "；",
    ";",
    "：",
    ":",
    "(",
    ")",
    "（",
    "）",
    "“",
    "”",
    '"',
    "\n",
    "\n\n",
    " ",
    "\u3000",
    "上海",
    "广西",
    "袁国华",
    "卢跃",
]
cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
fragment = st.one_of(st.sampled_from(PIECES), st.text(cjk, min_size=1, max_size=4), st.text(max_size=3))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(fragment, max_size=40).map("".join),
    st.one_of(st.none(), st.sampled_from(["2022-01-07", "2024-03-31"])),
)
def test_spans_always_quote_the_text(text: str, date) -> None:
    ex = extract_article(Article(id="h", path="h.md", date=date, text=text))
    ids = {e.id for e in ex.entities}
    for e in ex.entities:
        assert e.mentions, e
        for m in e.mentions:
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start : m.end] == m.text
        assert e.name not in e.aliases
    for r in ex.relations:
        assert r.source in ids and r.target in ids and r.source != r.target
        assert 0 <= r.evidence.start < r.evidence.end <= len(text)
        assert text[r.evidence.start : r.evidence.end] == r.evidence.text


def test_extraction_is_deterministic() -> None:
    text = "2022年1月7日，星河集团旗下星河直通咨询有限公司(下称星河直通)正式在上海临港新片区落户开业。董事长袁国华出席了开业仪式。"
    a = extract_article(Article(id="d", path="d.md", date="2022-01-07", text=text)).to_json_dict()
    b = extract_article(Article(id="d", path="d.md", date="2022-01-07", text=text)).to_json_dict()
    assert a == b

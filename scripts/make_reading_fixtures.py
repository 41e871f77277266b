"""Write the reading fixtures of tests/data/reading: saved news pages with chrome, a GBK page, a WARC.

The pages are built from two templates (a modern one with three columns: navigation and partner links on
the left, the article in the middle, related and ranking lists on the right, an ad, a comment box and a
footer; and an older site's table layout with related links, prev/next links and the editor's line inside
the article's own cell), so the article text and the chrome are known exactly: `truth/NAME.json` lists both, for the tests and for
benchmarks/bench_main_text.py. Run it again after changing a page: `python scripts/make_reading_fixtures.py`.
"""

from __future__ import annotations

import gzip
import html
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "reading"

PAGES: dict[str, dict] = {
    "catl_icbc_saved": {
        "site": "新浪财经",
        "encoding": "utf-8",
        "title": "宁德时代与工商银行福建省分行签署战略合作协议 获300亿元意向性授信",
        "url": "https://finance.example.com.cn/stock/2023-03-15/doc-catl-icbc.shtml",
        "date_meta": "2023-03-15T09:30:00+08:00",
        "byline": "2023年03月15日 09:30 新浪财经 作者：林晓",
        "paragraphs": [
            (
                "3月14日，宁德时代新能源科技股份有限公司（以下简称“宁德时代”）与中国工商银行股份有限公司福建省分行"
                "在宁德签署全面战略合作协议。根据协议，工商银行福建省分行将在未来五年内向宁德时代提供300亿元意向性授信，"
                "支持其在福建、四川和德国的电池生产基地建设。"
            ),
            (
                "宁德时代董事长曾毓群、工商银行福建省分行行长陈晓东出席签约仪式。曾毓群表示，双方将在跨境金融、"
                "供应链金融和绿色信贷等领域深化合作。"
            ),
            (
                "此前，宁德时代已与福建省交通运输集团有限责任公司共同出资设立福建时代闽东新能源有限公司，注册资本10亿元，"
                "其中宁德时代持股51%。"
            ),
            "业内人士认为，动力电池企业与银行的深度合作，有助于缓解行业扩产带来的资金压力。",
        ],
        "nav": [
            "首页",
            "财经",
            "股票",
            "基金",
            "银行",
            "保险",
            "期货",
            "外汇",
            "黄金",
            "理财",
            "科技",
            "汽车",
        ],
        "partners": [
            "招商银行股份有限公司",
            "兴业银行股份有限公司",
            "中信证券股份有限公司",
            "华泰证券股份有限公司",
        ],
        "related": [
            "比亚迪股份有限公司与长安汽车签署新能源合作协议",
            "华夏银行股份有限公司获批设立理财子公司",
            "阳光保险集团股份有限公司正式在香港联交所挂牌",
            "国轩高科股份有限公司拟募资50亿元扩产",
        ],
        "ranking": [
            "A股三大指数集体收涨 北向资金净买入",
            "央行开展2000亿元逆回购操作",
            "人民币汇率中间价上调",
        ],
        "ad": "【广告】浦发银行信用卡新户礼 首刷即送 点击办理",
        "comments": [
            "投资老王：东方财富信息股份有限公司早就推荐过了。",
            "小散一枚：中国银河证券股份有限公司的研报也这么说。",
        ],
        "footer": [
            "北京新浪互联信息服务有限公司版权所有",
            "合作伙伴：腾讯科技（深圳）有限公司 网易传媒科技（北京）有限公司",
        ],
    },
    "boc_xingcheng_gbk": {
        "site": "金融界",
        "encoding": "gbk",
        "title": "中国银行四川省分行与成都兴城集团签署战略合作协议",
        "url": "http://bank.example.cn/2022/0816/boc-xingcheng.htm",
        "date_meta": "2022-08-16 10:05",
        "byline": "2022-08-16 10:05 来源：金融界",
        "paragraphs": [
            (
                "8月15日，中国银行股份有限公司四川省分行与成都兴城投资集团有限公司（以下简称“兴城集团”）"
                "在成都签署战略合作协议。"
            ),
            (
                "根据协议，中国银行四川省分行将为兴城集团提供200亿元综合授信，重点支持成都东部新区基础设施和"
                "公园城市建设项目。"
            ),
            (
                "兴城集团党委书记、董事长任志能出席签约仪式并致辞。兴城集团旗下的中化岩土集团股份有限公司"
                "也将与中国银行四川省分行在工程建设领域开展合作。"
            ),
            "分析人士表示，地方国有企业与国有大型银行的合作，将为成都的城市更新提供稳定的资金来源。",
        ],
        "nav": ["首页", "银行", "理财", "信托", "保险", "债券", "基金", "股票", "港股", "美股"],
        "partners": ["交通银行股份有限公司", "中国民生银行股份有限公司", "广发证券股份有限公司"],
        "related": [
            "四川银行股份有限公司发布上半年经营数据",
            "成都农村商业银行股份有限公司新设五家支行",
            "泸州老窖股份有限公司拟投资建设酿酒项目",
        ],
        "ranking": ["银行理财规模重回29万亿元", "7月社融数据出炉", "LPR报价保持不变"],
        "ad": "【推广】光大银行阳光理财 稳健之选 立即开户",
        "comments": ["天府股民：成都银行股份有限公司更值得关注。"],
        "footer": ["金融界网站版权所有 京ICP备05020002号", "技术支持：北京金融界信息技术有限公司"],
    },
    "pingan_lingang_byline": {
        "site": "证券时报网",
        "encoding": "utf-8",
        "title": "平安资管与临港集团签署合作协议 设立50亿元产业基金",
        "url": "https://www.example-stcn.com/article/detail/880012.html",
        "date_meta": None,  # the date is only in the byline
        "byline": "2023年06月08日 14:22 来源：证券时报网 作者：张远",
        "paragraphs": [
            (
                "6月7日，平安资产管理有限责任公司（以下简称“平安资管”）与上海临港经济发展（集团）有限公司"
                "在上海签署全面合作协议。"
            ),
            (
                "双方将共同发起设立规模50亿元的上海临港平安产业投资基金，投向集成电路、生物医药和人工智能等"
                "领域的企业。"
            ),
            (
                "平安资管是中国平安保险（集团）股份有限公司的全资子公司。平安资管董事长黄勇表示，公司将发挥长期资金优势，"
                "支持临港新片区的产业发展。"
            ),
            "临港集团党委书记、董事长袁国华出席签约仪式。",
        ],
        "nav": ["首页", "要闻", "公司", "市场", "基金", "券商", "银行", "保险", "数据", "专题"],
        "partners": ["国泰君安证券股份有限公司", "海通证券股份有限公司", "上海浦东发展银行股份有限公司"],
        "related": [
            "上海国际港务（集团）股份有限公司发布半年度报告",
            "中国太平洋保险（集团）股份有限公司设立养老产业基金",
            "上海农村商业银行股份有限公司获评年度最佳普惠金融银行",
        ],
        "ranking": ["沪指震荡收涨 券商板块走强", "险资权益投资比例上升", "新片区发布集成电路新政"],
        "ad": "【广告】华安基金 专业理财 值得信赖",
        "comments": ["老股民：上海电气集团股份有限公司也在临港投了不少。"],
        "footer": ["证券时报社版权所有 未经许可不得转载", "深圳证券时报社有限公司 粤ICP备09000000号"],
    },
    "cdb_nanning_table": {
        "layout": "table",
        "site": "南国财经网",
        "encoding": "gbk",
        "title": "国家开发银行广西分行向南宁轨道交通集团发放80亿元贷款",
        "url": "http://www.example-ngcj.cn/news/2021/1103/21110312.shtml",
        "date_meta": None,
        "byline": "发布时间：2021-11-03 16:40:12　来源：南国财经网　作者：韦宁",
        "paragraphs": [
            (
                "11月2日，国家开发银行广西壮族自治区分行与南宁轨道交通集团有限责任公司签署贷款合同，"
                "向其发放80亿元中长期贷款，用于南宁市轨道交通5号线和6号线建设。"
            ),
            "国家开发银行广西分行行长李明出席签约仪式。",
            (
                "南宁轨道交通集团有限责任公司是南宁市人民政府出资设立的国有独资公司，"
                "负责南宁市城市轨道交通的投资、建设和运营。"
            ),
        ],
        "nav": [
            "首页",
            "要闻",
            "广西",
            "东盟",
            "金融",
            "产业",
            "楼市",
            "汽车",
            "旅游",
            "图片",
            "视频",
            "专题",
        ],
        "partners": ["广西北部湾银行股份有限公司", "桂林银行股份有限公司"],
        "related": [
            "柳州银行股份有限公司获批发行二级资本债",
            "广西投资集团有限公司与中国银行签署合作协议",
            "广西柳工机械股份有限公司发布三季报",
        ],
        "ranking": ["南宁地铁客流创新高", "东盟博览会签约项目总额创纪录"],
        "ad": "【推广】国海证券 开户有礼",
        "comments": ["邕城老李：广西北部湾投资集团有限公司也该多修几条线。"],
        "footer": ["南国财经网版权所有 桂ICP备10000000号", "主办：广西南国传媒有限公司"],
        "editor": "责任编辑：黄海",
        "prev_next": ["上一篇：北部湾港股份有限公司前三季度吞吐量增长", "下一篇：南宁市出台促消费措施"],
    },
}


def _links(items: list[str], prefix: str) -> str:
    return "".join(f'<li><a href="/{prefix}/{n}.html">{html.escape(t)}</a></li>' for n, t in enumerate(items))


def render_page(p: dict) -> str:
    """A saved page the way a browser writes it: three columns of chrome around the article."""
    charset = "gb2312" if p["encoding"] == "gbk" else "utf-8"
    if p["encoding"] == "gbk":
        head_charset = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
    else:
        head_charset = f'<meta charset="{charset}">'
    date_meta = (
        f'<meta property="article:published_time" content="{p["date_meta"]}">' if p["date_meta"] else ""
    )
    body = "".join(f"<p>{html.escape(t)}</p>" for t in p["paragraphs"])
    nav = " ".join(f'<a href="/{n}/">{t}</a>' for n, t in enumerate(p["nav"]))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{head_charset}
<title>{html.escape(p["title"])}_{p["site"]}</title>
<meta name="keywords" content="{html.escape(p["site"])},财经,新闻">
{date_meta}
<meta property="og:url" content="{p["url"]}">
<link rel="canonical" href="{p["url"]}">
<link rel="stylesheet" href="/css/main.css">
<script>var _hmt = _hmt || []; (function(){{ var hm = document.createElement("script"); }})();</script>
</head>
<body>
<div id="top-bar" class="top-bar"><div class="menu">{nav}</div>
<div class="login"><a href="/login">登录</a> <a href="/reg">注册</a></div></div>
<div class="wrap">
<div class="col-left" id="sidebar-left">
<div class="box"><h3>合作机构</h3><ul>{_links(p["partners"], "partner")}</ul></div>
<div class="box"><h3>频道导航</h3><ul>{_links(p["nav"][:6], "channel")}</ul></div>
</div>
<div class="col-main">
<div class="crumbs"><a href="/">{p["site"]}</a> &gt; <a href="/news/">正文</a></div>
<div class="article-header">
<h1 class="main-title">{html.escape(p["title"])}</h1>
<div class="byline"><span class="date">{p["byline"]}</span></div>
</div>
<div class="article-body" id="artibody">
{body}
</div>
<div class="ad-box"><a href="/ad/1"><img src="/ad.jpg" alt="ad">{html.escape(p["ad"])}</a></div>
<div class="share"><a href="#">分享到微博</a> <a href="#">分享到微信</a></div>
<div class="comments" id="comment-list"><h3>网友评论</h3>
{"".join(f'<div class="comment-item"><p>{html.escape(c)}</p></div>' for c in p["comments"])}
<form><textarea>说两句</textarea><button>发布</button></form></div>
</div>
<div class="col-right" id="sidebar-right">
<div class="box related"><h3>相关新闻</h3><ul>{_links(p["related"], "rel")}</ul></div>
<div class="box rank"><h3>热门排行</h3><ol>{_links(p["ranking"], "hot")}</ol></div>
</div>
</div>
<div class="footer" id="footer">
{"".join(f"<p>{html.escape(t)}</p>" for t in p["footer"])}
<p><a href="/about">关于我们</a> | <a href="/contact">联系我们</a> | <a href="/jobs">招聘信息</a></p>
</div>
</body>
</html>
"""


def render_table_page(p: dict) -> str:
    """An older site's page: a table layout, related links and prev/next inside the article's own cell."""
    body = "".join(f"<p>　　{html.escape(t)}</p>" for t in p["paragraphs"])
    nav = "".join(f'<td><a href="/{n}/">{t}</a></td>' for n, t in enumerate(p["nav"]))
    related = "<br>".join(f'·<a href="/r/{n}.shtml">{html.escape(t)}</a>' for n, t in enumerate(p["related"]))
    prev_next = "<br>".join(
        f'<a href="/p/{n}.shtml">{html.escape(t)}</a>' for n, t in enumerate(p["prev_next"])
    )
    return f"""<html>
<head>
<meta charset="gbk">
<title>{html.escape(p["title"])}-{p["site"]}</title>
<link rel="canonical" href="{p["url"]}">
</head>
<body bgcolor="#ffffff">
<table width="980" align="center"><tr>{nav}</tr></table>
<table width="980" align="center"><tr>
<td width="180" valign="top" class="left">
<b>合作银行</b><br>{"<br>".join(f'<a href="/bank/{n}">{t}</a>' for n, t in enumerate(p["partners"]))}
<br><b>热点</b><br>{"<br>".join(f'<a href="/hot/{n}">{t}</a>' for n, t in enumerate(p["ranking"]))}
</td>
<td width="600" valign="top" class="content">
<h2 align="center">{html.escape(p["title"])}</h2>
<div align="center"><font color="#999999">{p["byline"]}</font></div>
<hr size="1">
{body}
<p align="right">{p["editor"]}</p>
<table><tr><td><b>相关阅读：</b><br>{related}</td></tr></table>
<p>{prev_next}</p>
<p><a href="/ad/9"><font color="red">{html.escape(p["ad"])}</font></a></p>
<div class="pl"><b>网友评论</b>{"".join(f"<p>{html.escape(c)}</p>" for c in p["comments"])}</div>
</td>
<td width="200" valign="top" class="right"><b>广告</b><br><a href="/ad/2">理财</a></td>
</tr></table>
<table width="980" align="center"><tr><td align="center">
{"<br>".join(html.escape(t) for t in p["footer"])}
</td></tr></table>
</body>
</html>
"""


def truth_of(p: dict) -> dict:
    """What the reader should keep (the article's sentences) and drop (every piece of chrome)."""
    sentences = [s + "。" for para in p["paragraphs"] for s in para.split("。") if s]
    chrome = p["partners"] + p["related"] + p["ranking"] + [p["ad"]] + p["comments"] + p["footer"]
    chrome += p.get("prev_next", []) + ([p["editor"]] if "editor" in p else [])
    return {"title": p["title"], "url": p["url"], "sentences": sentences, "chrome": chrome}


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def write_warc(path: Path, pages: dict[str, bytes]) -> None:
    """A crawl of the pages: a warcinfo, per page a request and a 200 response, a PDF and a 404."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.gz", {"software": "kg fixtures"}))
    dates = iter(["2023-06-09T01:02:03Z", "2023-06-09T01:02:04Z", "2023-06-09T01:02:05Z"])
    for name, data in pages.items():
        p = PAGES[name]
        charset = "gb2312" if p["encoding"] == "gbk" else "utf-8"
        req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(p["url"], "request", http_headers=req))
        hdr = StatusAndHeaders(
            "200 OK", [("Content-Type", f"text/html; charset={charset}")], protocol="HTTP/1.1"
        )
        rec = writer.create_warc_record(
            p["url"],
            "response",
            payload=io.BytesIO(data),
            http_headers=hdr,
            warc_headers_dict={"WARC-Date": next(dates)},
        )
        writer.write_record(rec)
    pdf_hdr = StatusAndHeaders("200 OK", [("Content-Type", "application/pdf")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://static.example.com.cn/report.pdf",
            "response",
            payload=io.BytesIO(PDF),
            http_headers=pdf_hdr,
        )
    )
    gone = b"<html><head><title>404</title></head><body><p>Page not found.</p></body></html>"
    nf_hdr = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://finance.example.com.cn/gone.html",
            "response",
            payload=io.BytesIO(gone),
            http_headers=nf_hdr,
        )
    )
    path.write_bytes(buf.getvalue())
    # the same records uncompressed, for the `.warc` path
    path.with_suffix("").write_bytes(gzip.decompress(buf.getvalue()))


def main() -> None:
    (OUT / "pages").mkdir(parents=True, exist_ok=True)
    (OUT / "truth").mkdir(parents=True, exist_ok=True)
    (OUT / "warc").mkdir(parents=True, exist_ok=True)
    raw: dict[str, bytes] = {}
    for name, p in PAGES.items():
        render = render_table_page if p.get("layout") == "table" else render_page
        data = render(p).encode(p["encoding"])
        raw[name] = data
        (OUT / "pages" / f"{name}.html").write_bytes(data)
        truth = json.dumps(truth_of(p), ensure_ascii=False, indent=1) + "\n"
        (OUT / "truth" / f"{name}.json").write_text(truth, encoding="utf-8")
    write_warc(
        OUT / "warc" / "crawl.warc.gz", {k: v for k, v in raw.items() if PAGES[k].get("layout") != "table"}
    )


if __name__ == "__main__":
    main()

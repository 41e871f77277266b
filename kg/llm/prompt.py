"""The prompt (in Chinese): the ontology with directions and cues, the annotation conventions of the gold
(shared/corpus/dev-wide/README.md), two worked examples from examples/, then the article window.

PROMPT_VERSION is part of the cache key and of the extractor tag: change the wording, bump it, and
`kg build` re-extracts (and re-asks the model) instead of mixing answers of two prompts.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from kg.ontology import SIGNATURES, RelationType

PROMPT_VERSION = "1"

ENTITY_TYPES = """\
- Company：企业、集团、控股公司、上市公司、资产管理公司；协会、大学、研究院也标为 Company
- Bank：银行及银行分支机构（分行、支行各自是一个实体）
- GovernmentBody：政府、委员会、党委、管委会、政府部门、监管机构、人民银行分支机构
- Region：地点、园区、新区、区县、城市、经济带（国家层面的"中国""我国"不标）
- Person：文中点名的人物（记者、编辑、摄影等署名不标）
- Fund：基金（REITs、产业基金、创投基金）
- Event：有人出席的仪式、会议；被融资的项目也标为 Event"""

RELATIONS = [
    (RelationType.SUBSIDIARY_OF, "子公司 -> 母公司", "旗下、下属、全资/控股子公司、控股股东", "stake"),
    (RelationType.SIGNED_AGREEMENT_WITH, "对称：签约各方", "签署/签订/签约…协议/备忘录", "date, agreement"),
    (RelationType.STRATEGIC_PARTNER_OF, "对称：明确的战略合作", "战略合作", "date"),
    (
        RelationType.PROVIDED_FINANCING_TO,
        "出资方/贷款方 -> 借款方",
        "贷款、授信、融资支持、银团",
        "amount_text, date, role",
    ),
    (
        RelationType.CROSS_BORDER_FINANCING,
        "借款方 -> 引入跨境资金的银行或渠道",
        "跨境融资、境外融资",
        "amount_text, date",
    ),
    (RelationType.INVESTED_IN, "投资方 -> 被投资方", "投资、出资、入股、认缴", "amount_text, stake, date"),
    (RelationType.ACQUIRED, "收购方 -> 被收购方", "收购、取得控制权", "amount_text, stake, date"),
    (RelationType.JOINT_VENTURE_WITH, "对称：合资公司的共同设立方", "合资、共同设立", "date"),
    (RelationType.OPENED_IN, "机构 -> 入驻/开业的地区", "入驻、落户、开业、揭牌、迁入", "date"),
    (RelationType.LOCATED_IN, "机构 -> 所在地区", "位于、总部在、注册在", ""),
    (RelationType.EXECUTIVE_OF, "人物 -> 机构（官员无机构时 -> 地区）", "董事长、行长、主任、书记…", "role"),
    (RelationType.ATTENDED, "人物 -> 活动", "出席、参加", "date"),
]

CONVENTIONS = """\
- name 写文中最完整的形式，其他写法（简称、别称）放进 aliases；名称必须与原文逐字一致。
- 文中点名的每个上述类型实体都要标注，即使它不参与任何关系（名单中的公司、顺带提到的地点）。
- evidence 是陈述该关系的最短分句或句子，必须从原文逐字复制，不得改写、不得拼接。
- 战略合作协议同时给出 SIGNED_AGREEMENT_WITH 和 STRATEGIC_PARTNER_OF；签署贷款或银团协议只给 PROVIDED_FINANCING_TO。
- 合资：每一对合资方之间 JOINT_VENTURE_WITH，每个合资方 INVESTED_IN 合资公司（未命名的写作原文中的"合资公司""项目公司"）。
- 多方交易只连两边之间的关系（收购方×出让方、贷款方×借款方），不连同一边内部；银团或承销团中点名的每家银行各一条关系。
- EXECUTIVE_OF 每个（人物，机构）一条，role 照原文写职务；主持不算出席，"出席""参加""在…仪式上"才是 ATTENDED。
- 银行分行是独立的 Bank 实体，除非原文明说，否则不是其总行的 SUBSIDIARY_OF。
- SUBSIDIARY_OF 需要明确措辞（旗下、下属、全资/控股子公司、控股股东、设立的…公司）。
- OPENED_IN 是到来或开业（落户、入驻、开业、揭牌、迁入、设立分行，计划中的也算）；LOCATED_IN 是既有位置（位于、总部在、注册在）；同一句两者都有时取 OPENED_IN。
- properties 只写原文中的文字：amount_text 照抄金额（如"30亿元"），date 照抄日期（如"去年8月""2022年1月7日"），stake、role、agreement 照抄。kg 会自己换算金额和日期。
- 只输出一个 JSON 对象，不要解释。"""


@cache
def _examples() -> list[dict]:
    data = resources.files("kg.llm").joinpath("data/examples.json").read_text(encoding="utf-8")
    return json.loads(data)


def system_prompt() -> str:
    rows = []
    for rtype, direction, cues, props in RELATIONS:
        src, tgt = SIGNATURES[rtype]
        types = f"{'/'.join(sorted(t.value for t in src))} -> {'/'.join(sorted(t.value for t in tgt))}"
        rows.append(
            f"- {rtype.value}：{direction}；线索：{cues}；端点类型：{types}"
            + (f"；属性：{props}" if props else "")
        )
    examples = "\n\n".join(
        f"示例{n}（{e['source']}）\n文本：\n{e['text']}\n\n输出：\n{json.dumps(e['answer'], ensure_ascii=False)}"
        for n, e in enumerate(_examples(), start=1)
    )
    return (
        "你是金融新闻信息抽取助手。请从给定的中文新闻文本中抽取实体和关系，构建企业合作知识图谱。\n\n"
        f"## 实体类型\n{ENTITY_TYPES}\n\n"
        "## 关系类型（方向：source -> target）\n" + "\n".join(rows) + "\n\n"
        f"## 标注规范\n{CONVENTIONS}\n\n"
        "## 输出格式\n"
        '{"entities": [{"name": "…", "aliases": ["…"], "type": "Company"}], '
        '"relations": [{"source": "实体名称", "type": "SUBSIDIARY_OF", "target": "实体名称", '
        '"evidence": "原文句子", "properties": {}}]}\n'
        "source 和 target 必须是 entities 中的 name 或 alias。不要输出字符位置。\n\n"
        f"## 示例\n{examples}"
    )


def user_prompt(title: str, date: str | None, window: str) -> str:
    head = f"标题：{title}\n" if title else ""
    head += f"日期：{date}\n" if date else ""
    return f"{head}文本：\n<<<\n{window}\n>>>\n请按规范输出 JSON。"


def messages(title: str, date: str | None, window: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": system_prompt()},
        {"role": "user", "content": user_prompt(title, date, window)},
    ]


def repair_messages(original: list[dict[str, str]], bad: str, problem: str) -> list[dict[str, str]]:
    """One repair round: the bad answer back, with what was wrong."""
    return [
        *original,
        {"role": "assistant", "content": bad[:4000]},
        {"role": "user", "content": f"上面的回答无法使用：{problem}。请只输出一个符合输出格式的 JSON 对象。"},
    ]


WINDOW_MARK = ("<<<\n", "\n>>>")  # the stub server of the tests finds the window text between these

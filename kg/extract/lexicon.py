"""Word lists that support (never drive) recognition: suffixes, cue words, places, surnames, titles.

Recall comes from the grammars in entities.py (suffix + left boundary, title + name, lists, aliases);
these lists only name the grammatical pieces and validate candidates.
"""

from __future__ import annotations

import re
from importlib import resources

import yaml

CJK = "\u4e00-\u9fff"


def _first_char_trie(words: list[str]) -> str:
    """One alternation per first character, each keeping the words' order: at any position only words of
    one first character can match, so the regex picks the same word as the flat alternation `A|B|C…` (the
    first that matches) while trying ~200 branches instead of ~600."""
    groups: dict[str, list[str]] = {}
    for w in dict.fromkeys(words):
        groups.setdefault(w[0], []).append(re.escape(w[1:]))
    return "|".join(
        re.escape(c) + ("(?:" + "|".join(rest) + ")" if rest != [""] else "") for c, rest in groups.items()
    )


def word_alternation(words) -> str:
    """Regex alternation of literal words, longest first (a longer word wins over its prefix), as a
    first-character trie."""
    return _first_char_trie(sorted(set(words), key=len, reverse=True))


def _words(block: str) -> tuple[str, ...]:
    """A whitespace-separated word list written as a text block (keeps this module short)."""
    return tuple(block.split())


def _data(name: str) -> dict:
    """A lexicon file of kg/extract/data (YAML: named word lists)."""
    return yaml.safe_load(resources.files("kg.extract").joinpath(f"data/{name}").read_text(encoding="utf-8"))


# ------------------------------------------------------------------ organisation suffixes -> type
# Ordered longest first inside the alternation (regex alternation is ordered).
_ORGS = _data("organisations.yaml")
BANK_SUFFIXES = _words(_ORGS["bank"])
GOV_SUFFIXES = _words(_ORGS["government"])
FUND_SUFFIXES = _words(_ORGS["fund"])
STRONG_COMPANY_SUFFIXES = _words(_ORGS["company_strong"])
WEAK_COMPANY_SUFFIXES = _words(_ORGS["company_weak"])
SYNDICATE_ROLES = _words(_ORGS["syndicate_roles"])
SYNDICATE_DEFAULT_ROLE: str = _ORGS["syndicate_default_role"]
LIST_KINDS: dict[str, str] = _ORGS["list_kinds"]
TRANSLITERATION_CHARS = frozenset(
    "".join(_words(_ORGS["transliteration_chars"]))
)  # entity type -> the nouns that close a list of its names

# Industry words that may sit between a brand and the legal tail (平安直通|咨询|有限公司).
INDUSTRY_WORDS = _words(
    """
    咨询 投资建设 投资 建设 科技 实业 控股 汽车零部件 汽车 能源 新能源 电子 信息 技术 发展 管理 资产 资本 金融 服务 贸易 国际 产业 置业 地产 物流 医药 传媒 文化 电力 环保
    材料 智能 制造 工业 商贸 供应链 网络 数据 数字 创新 创业 农业 食品 化工 机械 装备 交通 城投 城建 开发 医疗器械 器械 医疗 生物技术 生物医药 生物 精密机械 储能 锂电 保险
    人寿 证券 信托 基金管理 私募基金管理 资产管理 融资租赁 创业投资管理 创业投资 投资管理 企业管理
    半导体 光电 机器人 新材料 精密制造 软件 通信 航空 航运 港务 矿业 钢铁 建材 水务 燃气 旅游 健康
    """
)

# Bodies that make a suffix word generic, not a name (organisations.yaml `generic_bodies`).
GENERIC_BODIES = frozenset(_words(_ORGS["generic_bodies"]))

# Left-boundary cues: the name starts right after the last of these inside the run before a suffix.
LEFT_CUES = _words(
    """
    共同出资设立 共同出资 共同设立 出资设立 发布公告 近日发布 取得控制权 全资子公司 控股子公司 控股股东 实际控制人 一致行动人 相关负责人 合资公司 平台公司 项目公司 新公司 子公司 标的公司
    旗下 下属 通过 控制 出席 参加 签署 签订 签约 联合 携手 牵头 包括 其中 以及 及其 选择 支持 推动 成立 设立 组建 入股 收购 持有 公告 表示 认为 作为 依托 背靠 引入 助力
    引导 系 围绕 与会 各方 出任 兼任 就任 当选 加大 扩大 追加 赋能 此次 未来 借助 宣告 落地 尝试 相信 希望 可以 一定 同时 此外 另外 进一步 随后 后续 已经 正式 成功 积极 主动 持续 大力 全面 重点 推进 注册 来源 文章 本次 今年 去年
    近日 日前 目前 今日 昨日 昨晚 同日 当日 拟与 分别 向其 转让 受让 予以 给予 获得 取得 完成 实现 开展 召开 举行 举办 落户 入驻 开业 揭牌 来自 面向 针对 随着 关于 加入
    担任 会见 走访 调研 考察 前往 深化 加强 促进 保障 服务 发挥 提供 投放 发放 授信 贷款 融资 主办 承办 协办 指导 印发 发布 宣布 透露 介绍 代表 签下 购买 购入 出售 接手 受托 第三方 关联方 交易对方 合作方 在华 来华 驻华 称 与 和 及 同 跟 向 由 对 为
    在 将 把 被 给 从 是 的 了 并 等 拟 于 让 使 也 还 均 已 暨 其 该 此 这 是 以 据 如 予 之 即 或 称 约 至 而 意味着 打造成 打造 激发 允许 警惕 扩容 从事
    成为 属于 涉及 引进 吸引 推出 助推 依靠 借力 凭借 获批 获准 入选 荣获 位列 位居 跻身 带动 拉动 参股 增持 减持 认购 承销 运营 经营 负责 主导 见证 披露 显示 指出 强调
    告诉 获悉 了解 据悉 注意到 发现 由于 因为 根据 按照 依据 对于 经过 为了 还有 此前 此后 之后 之前 当前 近期 近年来 近年 以来 截至 截止 上月 本月 投资人 投资方 母公司
    孙公司 股东 合作方 借款人 贷款人 出资人 发起人 管理人 受托人 托管人 牵头行 成员行 参贷行 专职 常务 累计 新设 借助 分担 并非 委托
    获 加码 再度 再次 投身 标志着 感谢 确保 包含 包括了 得益于 受益于 集聚 聚集 汇聚 开设 开办 筹建 增设 迎来 迎接
    参股公司 认缴 亿元 万元 后期 前期 借入 借用 关联公司 关联方 制造商 供应商 运营商 服务商 承包商 开发商 下设 涵盖 覆盖 经由 协助 帮助 办理 防范 分散 单一
    """
)
# Words common inside names that must not be cut by a cue they contain (金融资产 is not 金|融资|产).
PROTECTED = _words(
    """
    现代服务业 服务业 引导基金 天使 工业和信息化 经济和信息化 住房和城乡建设 人力资源和社会保障
    投资运营 资本运营 运营管理 经营管理 投资经营 资产经营 资本经营 发展和改革 金融 资产 投资 能源 科技 实业 发展 建设 国际 融资租赁 商业 产业 股份 控股 集团 合作区 数据 中国 会议 中心 经济 开发 贸易 人民 城市 企业管理
    """
)
_LONG_CUES = sorted((c for c in set(LEFT_CUES) if len(c) >= 3), key=len, reverse=True)
_SHORT_CUES = sorted((c for c in set(LEFT_CUES) if len(c) < 3), key=len, reverse=True)
_PROTECTED_ORDER = sorted(PROTECTED, key=len, reverse=True)


# Cue words (long cues first, then protected name words, then short cues: the first that matches wins); a
# protected word (发展, 建设 …) belongs to the name and is no boundary (see is_kept_cue).
LEFT_CUE_RE = re.compile(_first_char_trie(_LONG_CUES + _PROTECTED_ORDER + _SHORT_CUES))
_LONG_CUE_SET = frozenset(_LONG_CUES)
_PROTECTED_SET = frozenset(PROTECTED)


def is_kept_cue(word: str) -> bool:
    """Did LEFT_CUE_RE match a protected name word rather than a boundary cue?"""
    return word not in _LONG_CUE_SET and word in _PROTECTED_SET


# Characters that never occur inside an organisation / place name body.
STOP_CHARS = frozenset("的了是在将对为和与及并等也把被让使给从其这我你他她它们该此每属所")

# ------------------------------------------------------------------ places
PROVINCES = _words(
    """
    北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港
    澳门
    """
)
CITIES = _words(
    """
    广州 深圳 珠海 佛山 东莞 中山 惠州 汕头 南京 苏州 无锡 常州 南通 扬州 徐州 宿迁 连云港 盐城 镇江 泰州 淮安 杭州 宁波 温州 绍兴 嘉兴 湖州 金华 台州 舟山 合肥 芜湖 福州
    厦门 泉州 南昌 济南 青岛 烟台 潍坊 郑州 洛阳 武汉 宜昌 襄阳 长沙 株洲 成都 绵阳 贵阳 昆明 西安 兰州 西宁 银川 乌鲁木齐 拉萨 南宁 柳州 桂林 北海 钦州 防城港 海口 三亚
    石家庄 唐山 雄安 太原 大连 沈阳 长春 哈尔滨 呼和浩特 包头 鄂尔多斯 宁德 赣州 九江 大庆 浦东 前海 横琴 南沙 滨海 两江 天府 青浦 松江 嘉定 闵行 宝山 奉贤 金山 崇明 徐汇
    长宁 静安 黄浦 杨浦 虹口 普陀 朝阳 海淀 丰台 通州 大兴 顺义 昌平 亦庄
    宜宾 泸州 德阳 乐山 南充 自贡 内江 眉山 遂宁 攀枝花 湛江 茂名 江门 肇庆 清远 韶关 揭阳 潮州 汕尾 梅州 阳江 河源 云浮
    湘潭 衡阳 岳阳 常德 益阳 郴州 邵阳 怀化 娄底 十堰 荆州 荆门 黄石 孝感 黄冈 咸宁 随州 鄂州 蚌埠 淮南 马鞍山 铜陵 安庆
    阜阳 滁州 六安 宣城 亳州 宿州 淮北 池州 漳州 莆田 三明 龙岩 南平 上饶 景德镇 萍乡 鹰潭 宜春 抚州 淄博 枣庄 东营 济宁
    泰安 威海 临沂 聊城 滨州 菏泽 开封 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 保定
    廊坊 邯郸 邢台 沧州 衡水 承德 张家口 秦皇岛 晋城 朔州 晋中 运城 忻州 临汾 吕梁 宝鸡 咸阳 渭南 延安 汉中 榆林 遵义
    六盘水 毕节 铜仁 曲靖 玉溪 大理 丽江 天水 酒泉 嘉峪关 克拉玛依 喀什 石河子 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳
    铁岭 盘锦 葫芦岛 四平 齐齐哈尔 牡丹江 佳木斯 丽水 衢州 澳门 哈密 吐鲁番 昌吉 伊犁 阿克苏 库尔勒 和田
    """
)
PLACES = tuple(sorted(set(PROVINCES + CITIES), key=len, reverse=True))
PLACE_RE = re.compile(_first_char_trie(list(PLACES)))
_REGIONS = _data("regions.yaml")
REGION_SUFFIXES = _words(_REGIONS["suffixes"])
AREA_WORDS = _words(_REGIONS["area_words"])
AREA_HEADS = _words(_REGIONS["area_heads"])
COUNTRIES = ("中国", "美国", "日本", "韩国", "德国", "法国", "英国", "新加坡", "俄罗斯", "印度")
# Places abroad (and the special administrative regions by their full names): named in a Chinese business
# article they are where a deal reaches, so they are graph nodes even when said once.
FOREIGN_PLACES = _words(
    """
    香港特别行政区 澳门特别行政区 新加坡 德国 法国 英国 美国 日本 韩国 越南 泰国 马来西亚 印度尼西亚 印尼 菲律宾
    柬埔寨 老挝 缅甸 阿联酋 迪拜 阿布扎比 沙特阿拉伯 沙特 卡塔尔 俄罗斯 哈萨克斯坦 乌兹别克斯坦 巴西 墨西哥 智利
    澳大利亚 新西兰 加拿大 意大利 西班牙 荷兰 比利时 瑞士 瑞典 挪威 丹麦 芬兰 匈牙利 波兰 塞尔维亚 土耳其 埃及
    南非 尼日利亚 肯尼亚 印度 巴基斯坦 孟加拉国 以色列 卢森堡 爱尔兰 葡萄牙 希腊 法兰克福 伦敦 纽约 东京 首尔
    巴黎 慕尼黑 汉堡 鹿特丹 悉尼 墨尔本 曼谷 河内 胡志明市 雅加达 吉隆坡 马尼拉 金边
    """
)
FOREIGN_PLACE_RE = re.compile(word_alternation(FOREIGN_PLACES))
# Leading words of organisation names that are not the brand (stripped when linking short forms).
NAME_PREFIXES = tuple(sorted(set(PLACES + COUNTRIES), key=len, reverse=True))

# ------------------------------------------------------------------ persons
_PEOPLE = _data("people.yaml")
SURNAMES_1 = frozenset(_PEOPLE["surnames"].replace(" ", ""))
SURNAMES_2 = _words(_PEOPLE["double_surnames"])

# Titles; a person name follows a chain of these (临港集团党委书记、董事长袁国华) or precedes one (顾生行长).
HONORIFICS = _words(_PEOPLE["honorifics"])
TITLES = _words(_PEOPLE["titles"]) + HONORIFICS
TITLE_PREFIXES = _words(_PEOPLE["title_prefixes"])
AFTER_NAME = _words(_PEOPLE["after_name"])
_TITLE_ALT = _first_char_trie(sorted(TITLES, key=len, reverse=True))
_TPFX = "|".join(TITLE_PREFIXES)
TITLE_ONE = rf"(?:(?:{_TPFX})?(?:{_TITLE_ALT}))"
TITLE_CHAIN = rf"{TITLE_ONE}(?:[、兼及和]{TITLE_ONE})*"
TITLE_CHAIN_RE = re.compile(TITLE_CHAIN)

# Characters after which a 2-character name stops (金煜表示, 卢跃在, 周炼及).
NAME_STOP_CHARS = frozenset(
    "表出与及等和在说称指认介强代致主提参会也对向为就将并签同均分所已曾今昨近日率带等表示讲作还亦则拟以于、"
)
BYLINE_BEFORE = _words(
    """
    记者 编辑 通讯员 责编 责任编辑 摄影 摄 作者 撰文 文/ 图/ 审核 校对
    """
)
BYLINE_AFTER = ("摄影报道", "摄影", "报道", "摄", "供图", "/摄")

APPOSITION_NOUNS = ("合资公司", "平台公司", "项目公司", "新公司", "标的公司")

# Events people attend.
EVENT_SUFFIXES = _words(
    """
    签约仪式 开业仪式 揭牌仪式 启动仪式 开工仪式 仪式 典礼 大会 会议 论坛 峰会 座谈会 发布会 推介会
    """
)

# Well-known names without suffix grammar (organisations.yaml `known`), name -> entity type.
KNOWN_ORGS = {name: etype for etype, block in _ORGS["known"].items() for name in _words(block)}

# A government word right after a place suffix (青浦区人民政府, 宿迁市委).
GOV_SUFFIX_AFTER_RE = re.compile(r"人民政府|政府|委员会|管委会|区委|市委|县委|委|长|人大|政协")
# Dateline right after a place: 北京12月23日讯 / 北京电.
DATELINE_RE = re.compile(r"\s*\d{1,2}月\d{1,2}日(?:讯|电)|电[）)]")

# Common words that are also the brand of a national bank (建设银行, 交通银行): support for the generic filter.
BANK_BRANDS = frozenset(
    [
        "建设",
        "工商",
        "农业",
        "交通",
        "招商",
        "民生",
        "光大",
        "兴业",
        "华夏",
        "中信",
        "广发",
        "邮储",
        "浙商",
        "恒丰",
        "渤海",
        "开发",
        "进出口",
        "中国",
        "平安",
    ]
)

# How news abbreviates bank names (建行江西省分行 = 中国建设银行江西省分行): used only to link short forms.
BANK_ABBREVIATIONS = {
    "国开行": "国家开发银行",
    "农发行": "农业发展银行",
    "进出口行": "进出口银行",
    "工行": "工商银行",
    "农行": "农业银行",
    "中行": "中国银行",
    "建行": "建设银行",
    "交行": "交通银行",
    "招行": "招商银行",
    "邮储银行": "邮政储蓄银行",
    "农商银行": "农村商业银行",
    "农商行": "农村商业银行",
    "浦发银行": "上海浦东发展银行",
    "中银香港": "中国银行（香港）有限公司",
    "民生银行": "中国民生银行",
    "光大银行": "中国光大银行",
}

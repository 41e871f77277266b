"""Each resolution rule and guard on real-looking names: what must merge and what must stay apart."""

from __future__ import annotations

import pytest

from kg.resolve import EntityRecord, name_key, resolve_entities


def ids(*records: tuple) -> list[str]:
    """Resolve records (type, name, aliases, article[, orgs]) and return their entity ids, in order."""
    recs = [EntityRecord(*r) for r in records]
    res = resolve_entities(recs)
    return [res.entity_id(r.type, r.name, r.article_id) for r in recs]


def one(etype: str, *names: str) -> bool:
    """True when these names, each in its own article, resolve to one entity."""
    return len(set(ids(*((etype, n, (), f"a{i}") for i, n in enumerate(names))))) == 1


def apart(etype: str, *names: str) -> bool:
    return len(set(ids(*((etype, n, (), f"a{i}") for i, n in enumerate(names))))) == len(names)


# ---------------------------------------------------------------- banks and branches


@pytest.mark.parametrize(
    "names",
    [
        ["工行北京市分行", "中国工商银行北京分行", "工商银行北京分行", "中国工商银行北京市分行"],
        ["中行湖北省分行", "中国银行湖北省分行", "中国银行湖北分行"],
        ["交行江苏省分行", "交通银行江苏省分行", "中国交通银行江苏分行"],
        ["国开行四川省分行", "国家开发银行四川省分行"],
        ["中国进出口银行广西壮族自治区分行", "进出口银行广西分行"],
        ["招商银行福州分行平潭支行", "招商银行平潭支行", "招行平潭支行"],
        ["上海浦发银行瑞安支行", "浦发银行瑞安支行", "浦发瑞安支行", "上海浦东发展银行瑞安支行"],
        ["冀商银行股份有限公司雄安分行", "冀商银行雄安分行"],
    ],
)
def test_branch_forms_of_one_branch_merge(names: list[str]) -> None:
    assert one("Bank", *names)


@pytest.mark.parametrize(
    "names",
    [
        ["招商银行", "招行", "招商银行股份有限公司"],
        ["浦发银行", "浦发", "上海浦东发展银行", "上海浦发银行"],
        ["中信银行", "中信", "中国中信银行"],
        ["民生银行", "民生", "中国民生银行"],
        ["平安银行", "平安", "平安银行股份有限公司"],
        ["邮储银行", "中国邮政储蓄银行", "邮储"],
        ["国家开发银行", "国开行"],
    ],
)
def test_bank_short_brands_name_the_head_office(names: list[str]) -> None:
    assert one("Bank", *names)


def test_a_short_brand_names_a_bank_only_when_typed_bank() -> None:
    assert name_key("Bank", "中信").core == "中信银行"
    assert name_key("Company", "中信").core == "中信"
    assert name_key("Bank", "平安").core != name_key("Company", "中国平安").core


@pytest.mark.parametrize(
    "names",
    [
        ["中国银行", "中国银行湖北省分行", "中国银行湖南省分行"],
        ["工商银行", "工行北京市分行", "工行北京市分行营业部"],
        ["中国银行上海市分行营业部", "中国银行上海市分行"],
        ["中国银行", "中国银行(香港)有限公司"],
        ["国家开发银行", "金砖国家新开发银行"],
    ],
)
def test_branches_and_subsidiaries_stay_apart_from_their_bank_and_each_other(names: list[str]) -> None:
    assert apart("Bank", *names)


# ---------------------------------------------------------------- government bodies


@pytest.mark.parametrize(
    "names",
    [
        ["临港新片区管委会", "临港新片区管理委员会", "上海自贸区临港新片区管委会"],
        ["宿迁市人民政府", "宿迁市政府"],
        ["河北雄安新区管理委员会", "雄安新区管委会"],
        ["南京市人民政府国有资产监督管理委员会", "南京市国资委"],
        ["浙江省发展和改革委员会", "浙江省发改委"],
    ],
)
def test_government_long_and_short_forms_merge(names: list[str]) -> None:
    assert one("GovernmentBody", *names)


def test_government_bodies_without_a_place_stay_in_their_article() -> None:
    assert apart("GovernmentBody", "新片区管委会", "新片区管委会")
    assert apart("GovernmentBody", "市政府", "市政府")
    assert apart("GovernmentBody", "上海自贸区管委会", "临港新片区管委会")


# ---------------------------------------------------------------- companies and groups


@pytest.mark.parametrize(
    "names",
    [
        ["江西省高速公路投资集团有限责任公司", "江西省高速集团", "江西高速集团", "江西省高速公路投资集团"],
        ["四川省交通投资集团有限责任公司", "四川交投集团", "四川交投"],
        ["宁波旭升集团股份有限公司", "旭升集团"],
        ["中国平安保险(集团)股份有限公司", "平安集团", "中国平安"],
    ],
)
def test_group_short_forms_merge(names: list[str]) -> None:
    assert one("Company", *names)


def test_a_group_never_merges_with_a_company_of_its_own_legal_form() -> None:
    assert apart("Company", "江西铜业股份有限公司", "江西铜业集团有限公司")
    got = ids(
        ("Company", "江西铜业股份有限公司", (), "a"),
        ("Company", "江西铜业集团有限公司", (), "b"),
        ("Company", "江西铜业集团", (), "c"),
        ("Company", "江西铜业股份", (), "d"),
        ("Company", "江西铜业", (), "e"),  # which of the two: not said
    )
    assert got[0] == got[3] and got[1] == got[2] and got[0] != got[1]
    assert got[4] not in got[:4]
    # no group around: the short form is the company
    assert one("Company", "江西铜业股份有限公司", "江西铜业")
    assert apart("Company", "北京京能科技有限公司", "京能集团")


def test_an_alias_never_joins_two_registered_legal_forms() -> None:
    got = ids(
        ("Company", "江西铜业股份有限公司", ("江铜",), "a"),
        ("Company", "江铜集团有限公司", ("江铜",), "b"),
    )
    assert got[0] != got[1]


def test_two_entities_one_article_keeps_apart_stay_apart() -> None:
    """A listed company and the group that is its JV partner in the same article: a sloppy alias elsewhere
    must not merge them (nor lose the relations between them as self-loops)."""
    got = ids(
        ("Company", "北汽蓝谷", (), "jv"),
        ("Company", "北汽集团", (), "jv"),
        ("Company", "北汽集团有限公司", ("北汽蓝谷",), "other"),
    )
    assert got[0] != got[1]
    assert got[1] == got[2]


# ---------------------------------------------------------------- regions


def test_zones_sub_zones_and_places_stay_apart() -> None:
    got = ids(
        ("Region", "南沙区", (), "a"),
        ("Region", "广州南沙新区", ("南沙",), "b"),
        ("Region", "广东自贸试验区南沙片区", ("南沙",), "c"),
        ("Region", "南沙新区", (), "d"),
    )
    assert len({got[0], got[1], got[2]}) == 3
    assert got[1] == got[3]


def test_a_new_town_never_merges_into_its_city() -> None:
    got = ids(("Region", "天津市", (), "a"), ("Region", "天津滨海新区", ("天津",), "b"))
    assert got[0] != got[1]


def test_a_sub_zone_never_merges_into_its_zone_but_keeps_its_own_short_forms() -> None:
    got = ids(
        ("Region", "上海自贸区", (), "a"),
        ("Region", "上海自贸区临港新片区", ("上海自贸区", "临港新区"), "b"),
        ("Region", "临港新片区", (), "c"),
    )
    assert got[0] != got[1] and got[1] == got[2]


@pytest.mark.parametrize(
    "names",
    [
        ["海南自由贸易港洋浦经济开发区", "洋浦经济开发区", "海南洋浦经济开发区"],
        ["广西壮族自治区", "广西"],
        ["中国香港", "香港", "香港特别行政区"],
        ["南京市江北新区", "南京江北新区", "江北新区"],
        ["长三角区域", "长三角", "长三角地区"],
    ],
)
def test_region_forms_merge(names: list[str]) -> None:
    assert one("Region", *names)


# ---------------------------------------------------------------- names only the article resolves


def test_province_branch_resolves_to_the_articles_bank_and_province() -> None:
    got = ids(
        ("Bank", "中国银行", ("中行",), "a"),
        ("Region", "湖北省", (), "a"),
        ("Bank", "省分行", (), "a"),
        ("Bank", "中国银行湖北省分行", (), "b"),
    )
    assert got[2] == got[3] != got[0]


@pytest.mark.parametrize(
    "others",
    [
        [("Bank", "中国银行", ()), ("Bank", "农业银行", ()), ("Region", "湖北省", ())],  # two banks
        [("Bank", "中国银行", ()), ("Region", "湖北省", ()), ("Region", "湖南省", ())],  # two provinces
        [("Bank", "中国银行", ())],  # no province
    ],
)
def test_province_branch_stays_in_its_article_unless_certain(others: list[tuple]) -> None:
    recs = [(t, n, a, "a") for t, n, a in others] + [("Bank", "省分行", (), "a")]
    recs.append(("Bank", "中国银行湖北省分行", (), "b"))
    got = ids(*recs)
    assert got[-2] != got[-1]


def test_city_branch_and_central_bank_context() -> None:
    got = ids(
        ("Bank", "交通银行", (), "a"),
        ("Bank", "人民银行徐州市中心支行", (), "a"),  # the central bank is not "the article's bank"
        ("Bank", "徐州分行", (), "a"),
        ("Bank", "交行徐州分行", (), "b"),
    )
    assert got[2] == got[3]


# ---------------------------------------------------------------- persons


def test_namesakes_join_only_through_a_shared_organisation() -> None:
    got = ids(
        ("Person", "卢跃", (), "a", (("Company", "平安金服"),)),
        ("Company", "平安金服", (), "a"),
        ("Person", "卢跃", (), "b", (("Company", "平安金服"),)),
        ("Company", "平安金服", (), "b"),
        ("Person", "王启明", (), "c", (("GovernmentBody", "临港新片区管委会"),)),
        ("GovernmentBody", "临港新片区管委会", (), "c"),
        ("Person", "王启明", (), "d", (("GovernmentBody", "洋浦经济开发区管委会"),)),
        ("GovernmentBody", "洋浦经济开发区管委会", (), "d"),
        ("Person", "陈杰", (), "e"),
        ("Person", "陈杰", (), "f"),
    )
    assert got[0] == got[2]
    assert got[4] != got[6]
    assert got[8] != got[9]


# ---------------------------------------------------------------- identity


def test_id_survives_a_change_of_display_name() -> None:
    before = resolve_entities([EntityRecord("Company", "平安集团", (), "a")])
    after = resolve_entities(
        [EntityRecord("Company", "平安集团", (), "a")]
        + [EntityRecord("Company", "中国平安保险(集团)股份有限公司", (), f"b{i}") for i in range(3)]
    )
    assert before.clusters[0].name != after.clusters[0].name
    assert before.clusters[0].id == after.clusters[0].id


def test_refused_joins_are_reported() -> None:
    res = resolve_entities(
        [EntityRecord("Region", "天津市", (), "a"), EntityRecord("Region", "天津滨海新区", ("天津",), "b")]
    )
    new_area = next(c for c in res.clusters if c.name == "天津滨海新区")
    assert [(m.form_a, m.form_b, m.detail) for m in new_area.refused] == [
        ("天津滨海新区", "天津", "refused: zone-vs-place")
    ]

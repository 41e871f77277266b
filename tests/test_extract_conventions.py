"""The annotation conventions of shared/corpus (dev-wide/README.md) on sentences written for this file.

Each test pins one convention or one grammar the real articles taught the extractor: names written before
their titles, officials serving the body the article names (else the place), syndicates as one frame with
roles as written, bonds through their underwriters, lists that name banks, the unnamed joint venture.
"""

from __future__ import annotations

from extract_helpers import ents, extract_checked, props, rels

from kg.models import Extraction


def run(text: str, date: str | None = "2023-06-01") -> Extraction:
    return extract_checked(text, date)


def test_names_written_before_their_titles_share_the_organisation_of_the_list() -> None:
    ex = run("华兴银行南京分行李明行长、王芳副行长，宿城区人民政府赵刚区长出席签约仪式。")
    r = rels(ex)
    assert ("李明", "EXECUTIVE_OF", "华兴银行南京分行") in r and (
        "王芳",
        "EXECUTIVE_OF",
        "华兴银行南京分行",
    ) in r
    assert props(ex, "王芳", "EXECUTIVE_OF", "华兴银行南京分行")["role"] == "副行长"
    assert ("赵刚", "EXECUTIVE_OF", "宿城区人民政府") in r


def test_ascii_punctuation_reads_like_full_width() -> None:
    full = run("3月2日，恒远集团与江淮银行签署战略合作协议。")
    half = run("3月2日,恒远集团与江淮银行签署战略合作协议.")
    assert (
        rels(full)
        == rels(half)
        == {
            ("恒远集团", "SIGNED_AGREEMENT_WITH", "江淮银行"),
            ("恒远集团", "STRATEGIC_PARTNER_OF", "江淮银行"),
        }
    )


def test_officials_serve_the_named_body_else_the_place() -> None:
    text = (
        "四川省政府与江淮银行签署合作协议，支持四川省发展。省委书记张建国、省委副书记、省长刘卫民，"
        "省委常委、成都市委书记陈向东出席。"
    )
    ex = run(text)
    r = rels(ex)
    assert ("刘卫民", "EXECUTIVE_OF", "四川省政府") in r  # the government the article names
    assert props(ex, "刘卫民", "EXECUTIVE_OF", "四川省政府")["role"] == "省委副书记、省长"
    assert ("张建国", "EXECUTIVE_OF", "四川省") in r  # its party committee is named only in the title
    assert ("陈向东", "EXECUTIVE_OF", "四川省") in r and ("陈向东", "EXECUTIVE_OF", "成都市") in r
    assert "成都市委" not in ents(ex) and "省委" not in ents(ex)


def test_an_official_signing_brings_his_body_in_as_the_party() -> None:
    ex = run(
        "宿州市人民政府与江淮银行举行会谈。江淮银行行长孙杰代表江淮银行与宿州市王平副市长签订了战略合作协议。"
    )
    assert ("江淮银行", "SIGNED_AGREEMENT_WITH", "宿州市人民政府") in rels(ex) or (
        "宿州市人民政府",
        "SIGNED_AGREEMENT_WITH",
        "江淮银行",
    ) in rels(ex)


def test_a_syndicate_is_one_frame_with_roles_as_written() -> None:
    text = (
        "近日，宁远交通投资集团有限公司获得总额45亿元的银团贷款。"
        "本次银团由江淮银行宁远分行担任牵头行，华兴银行宁远分行担任代理行，"
        "参与银行包括东吴银行宁远支行、海通银行宁远支行。"
    )
    ex = run(text)
    borrower = "宁远交通投资集团有限公司"
    lenders = {s for s, t, o in rels(ex) if t == "PROVIDED_FINANCING_TO" and o == borrower}
    assert lenders == {"江淮银行宁远分行", "华兴银行宁远分行", "东吴银行宁远支行", "海通银行宁远支行"}
    roles = {b: props(ex, b, "PROVIDED_FINANCING_TO", borrower)["role"] for b in lenders}
    assert roles["江淮银行宁远分行"] == "牵头行" and roles["华兴银行宁远分行"] == "代理行"
    assert roles["东吴银行宁远支行"] == "银团成员"
    ids = {props(ex, b, "PROVIDED_FINANCING_TO", borrower)["syndicate"] for b in lenders}
    assert ids == {"s1"}  # one syndicate shared by its members
    p = props(ex, "江淮银行宁远分行", "PROVIDED_FINANCING_TO", borrower)
    assert p["amount"] == 4_500_000_000 and p["amount_scope"] == "syndicate"  # the total, marked as such
    # members of one lending side sign no agreement with each other
    assert not {x for x in rels(ex) if x[1] == "SIGNED_AGREEMENT_WITH"}


def test_a_panda_bond_is_cross_border_financing_through_its_underwriters() -> None:
    text = (
        "某国际开发银行近日在中国银行间债券市场发行20亿元熊猫债。"
        "江淮银行担任此次发行的主承销商，华兴银行、海通证券担任联席承销商。"
    )
    ex = run(text)
    issuer = "某国际开发银行"
    got = {o for s, t, o in rels(ex) if t == "CROSS_BORDER_FINANCING" and s == issuer}
    assert got == {"江淮银行", "华兴银行", "海通证券"}
    assert "中国银行" not in ents(ex)  # 中国银行间债券市场 is the interbank market, not the bank


def test_a_list_closed_by_its_kind_names_banks() -> None:
    ex = run("中信、浦发银行在岚分支机构将于本月开业。平安、民生等商业银行也在筹备。")
    assert {n for n, t in ents(ex).items() if t == "Bank"} >= {"中信", "浦发银行", "平安", "民生"}


def test_the_unnamed_joint_venture_is_the_entity_he_zi_gong_si() -> None:
    text = (
        "恒远科技公告，公司拟与江淮能源有限公司共同出资成立合资公司。"
        "合资公司注册资本10亿元，其中江淮能源有限公司出资6亿元，恒远科技出资4亿元。"
    )
    ex = run(text)
    assert ents(ex).get("合资公司") == "Company"
    r = rels(ex)
    assert ("江淮能源有限公司", "INVESTED_IN", "合资公司") in r and (
        "恒远科技",
        "INVESTED_IN",
        "合资公司",
    ) in r
    assert ("恒远科技", "JOINT_VENTURE_WITH", "江淮能源有限公司") in r or (
        "江淮能源有限公司",
        "JOINT_VENTURE_WITH",
        "恒远科技",
    ) in r


def test_stake_purchase_from_named_holders() -> None:
    ex = run("恒远药业公告，公司拟购买宁远国投、天成投资持有的恒远湘江药业30%的股权。")
    r = rels(ex)
    assert ("恒远药业", "ACQUIRED", "恒远湘江药业") in r
    assert ("宁远国投", "INVESTED_IN", "恒远湘江药业") in r and (
        "天成投资",
        "INVESTED_IN",
        "恒远湘江药业",
    ) in r


def test_a_credit_line_to_our_city_finances_the_place() -> None:
    ex = run(
        "宁远市政府与江淮银行签署战略合作协议，助推宁远市高质量发展。"
        "未来五年，江淮银行将为我市提供不低于300亿元融资支持。"
    )
    assert props(ex, "江淮银行", "PROVIDED_FINANCING_TO", "宁远市")["amount"] == 30_000_000_000


def test_news_agency_datelines_are_no_part_of_a_name() -> None:
    ex = run("据新华社电国家开发银行陕西省分行与陕西煤业集团公司12日签署合作协议。")
    assert "国家开发银行陕西省分行" in ents(ex)
    assert not any("新华社" in n for n in ents(ex))


def test_places_of_the_gazetteer_and_areas_named_in_passing() -> None:
    ex = run("项目位于温州瑞安，串联苏南地区与长三角区域，途经黄阁镇。")
    regions = {n for n, t in ents(ex).items() if t == "Region"}
    assert {"瑞安", "苏南地区", "长三角区域", "黄阁镇"} <= regions


def test_holders_of_a_company_just_founded_invest_in_it() -> None:
    ex = run(
        "宁德时代与福建省能源集团有限责任公司共同出资设立福建时代闽东新能源有限公司，其中宁德时代持股51%，福建能源集团持股49%。"
    )
    assert props(ex, "宁德时代", "INVESTED_IN", "福建时代闽东新能源有限公司")["stake"] == "51%"
    assert (
        props(ex, "福建省能源集团有限责任公司", "INVESTED_IN", "福建时代闽东新能源有限公司")["stake"] == "49%"
    )
    assert ("福建省能源集团有限责任公司", "INVESTED_IN", "宁德时代") not in rels(ex)


def test_the_investor_of_a_project_settles_where_the_project_does() -> None:
    ex = run("总投资50亿元的新能源电池项目正式落户高邮经济开发区。该项目由江苏瑞能科技有限公司投资建设。")
    assert ("江苏瑞能科技有限公司", "OPENED_IN", "高邮经济开发区") in rels(ex)


def test_a_brand_keeps_its_function_character() -> None:
    ex = run("会上集中签约的企业包括华为技术有限公司、京东方科技集团股份有限公司等。")
    assert {"华为技术有限公司", "京东方科技集团股份有限公司"} <= set(ents(ex))


def test_a_bank_that_arranges_offshore_funds_for_a_company_is_its_channel() -> None:
    ex = run("兴业银行福州分行通过自由贸易账户为福建省港口集团有限责任公司办理境外融资5000万美元。")
    assert (
        props(ex, "福建省港口集团有限责任公司", "CROSS_BORDER_FINANCING", "兴业银行福州分行")["amount"] == 5e7
    )


def test_the_buyer_that_will_hold_the_target_acquired_it() -> None:
    ex = run("此次收购完成后，海螺水泥将持有重庆多吉再生资源有限公司100%股权。")
    assert props(ex, "海螺水泥", "ACQUIRED", "重庆多吉再生资源有限公司")["stake"] == "100%"


def test_a_zone_party_secretary_serves_its_committee_when_only_that_is_named() -> None:
    ex = run("苏州工业园区管委会与新加坡腾飞集团签署合作备忘录。园区党工委书记沈觅出席签约。")
    assert ("沈觅", "EXECUTIVE_OF", "苏州工业园区管委会") in rels(ex)


def test_a_syndicate_that_signs_with_its_borrower() -> None:
    text = (
        "近日,由中国银行浙江省分行牵头,工商银行浙江省分行、农业银行浙江省分行等6家银行组成的银团,"
        "与浙江交通投资集团有限公司签订总额85亿元的银团贷款合同。"
    )
    ex = run(text)
    lenders = {s for s, t, o in rels(ex) if t == "PROVIDED_FINANCING_TO" and o == "浙江交通投资集团有限公司"}
    assert lenders == {"中国银行浙江省分行", "工商银行浙江省分行", "农业银行浙江省分行"}
    assert (
        props(ex, "中国银行浙江省分行", "PROVIDED_FINANCING_TO", "浙江交通投资集团有限公司")["role"]
        == "牵头行"
    )
    assert not {x for x in rels(ex) if x[1] == "SIGNED_AGREEMENT_WITH"}  # the loan contract is the financing


def test_a_count_of_banks_is_no_bank() -> None:
    ex = run("瑞安市国投集团与7家参团银行分别签订银团组团协议，银团总计授信132亿元。")
    assert not any("参团银行" in n for n in ents(ex))


def test_regulators_are_government_bodies_also_when_written_bare() -> None:
    ex = run("经证监会核准，公司拟向国家金融监督管理总局报备，并获得国务院国资委批准。")
    assert {"证监会", "国家金融监督管理总局", "国务院国资委"} <= {
        n for n, t in ents(ex).items() if t == "GovernmentBody"
    }
    # the longest known form wins over the short one inside it
    assert "中国证监会" in ents(run("中国证监会发布公告。")) and "证监会" not in ents(
        run("中国证监会发布公告。")
    )


def test_an_office_named_before_a_title_is_typed_by_its_last_head_word() -> None:
    ex = run("市政府金融办主任李四表示，将支持企业上市。")
    assert ents(ex)["市政府金融办"] == "GovernmentBody"
    assert ("李四", "EXECUTIVE_OF", "市政府金融办") in rels(ex)


def test_a_seller_holds_the_stake_it_sells() -> None:
    ex = run("中融信托拟转让所持中融基金全部51%的股权。")
    assert "中融基金" in ents(ex) and "持中融基金" not in ents(ex)  # 所持 is no part of the name
    assert props(ex, "中融信托", "INVESTED_IN", "中融基金")["stake"] == "51%"
    ex = run("董事长陈一鸣将向华信精密股份有限公司转让其所持苏州微纳光电科技有限公司35%股权。")
    assert ("陈一鸣", "INVESTED_IN", "苏州微纳光电科技有限公司") in rels(ex)
    # the buyer after 向 is no seller
    assert ("华信精密股份有限公司", "INVESTED_IN", "苏州微纳光电科技有限公司") not in rels(ex)
    ex = run("证监会核准了国开证券将其持有的国开泰富基金公司66.7%股权转让给北京国有资本运营管理有限公司。")
    assert ents(ex)["国开泰富基金公司"] == "Company"  # a fund management company keeps its 公司
    assert ("国开证券", "INVESTED_IN", "国开泰富基金公司") in rels(ex)
    assert ("北京国有资本运营管理有限公司", "ACQUIRED", "国开泰富基金公司") in rels(ex)


def test_a_time_word_before_a_head_word_names_nothing() -> None:
    assert ents(run("年内基金公司股权转让再添新例，各地银行积极支持。")) == {}


def test_a_bank_founding_a_unit_in_a_zone_opens_there() -> None:
    ex = run("重庆农村商业银行今年将在平潭综合实验区发起设立村镇银行。")
    assert ("重庆农村商业银行", "OPENED_IN", "平潭综合实验区") in rels(ex)


def test_the_company_before_tong_guo_borrows_across_the_border_not_its_parent() -> None:
    ex = run(
        "海润集团旗下在香港注册的全资子公司海润国际（香港）有限公司，也在上月通过汇丰银行（中国）有限公司厦门分行"
        "搭建了本外币一体化跨境资金池。"
    )
    xb = {(s, t) for s, r, t in rels(ex) if r == "CROSS_BORDER_FINANCING"}
    assert xb == {("海润国际（香港）有限公司", "汇丰银行（中国）有限公司厦门分行")}


def test_role_nouns_descriptions_and_amounts_name_no_organisation() -> None:
    ex = run(
        "作为试点银行，工商银行率先开展业务。该公司是知名物流集团。项目总投资50亿元，其中固定资产投资40亿元。"
    )
    assert ents(ex) == {"工商银行": "Bank"}


def test_foreign_names_with_middle_dots_are_whole_persons() -> None:
    assert ents(run("约翰·史密斯担任汇丰中国行长。")).get("约翰·史密斯") == "Person"
    ex = run("新开发银行行长马可斯·特罗伊若出席。")
    assert "马可斯·特罗伊若" in ents(ex) and not any("出席" in n for n in ents(ex))
    ex = run("新疆天山能源集团有限公司总经理由艾力·买买提担任。")
    assert ("艾力·买买提", "EXECUTIVE_OF", "新疆天山能源集团有限公司") in rels(ex)
    assert not any(n.startswith("总经理") for n in ents(ex))


def test_a_town_party_secretary_serves_the_town_not_a_company() -> None:
    ex = run("昆山市花桥镇党委副书记、镇长李强出席。")
    assert ents(ex) == {"昆山市": "Region", "花桥镇": "Region", "李强": "Person"}
    assert ("李强", "EXECUTIVE_OF", "花桥镇") in rels(ex)


def test_a_bureau_word_inside_a_company_name_is_no_bureau() -> None:
    assert ents(run("确保招商局集团在湾区的投资项目顺利落地。")) == {"招商局集团": "Company"}


def test_lists_closed_by_their_kind_name_state_groups_and_big_banks() -> None:
    ex = run("中远海运、招商局等央企负责人出席，工行、农行等国有大行加大投放。")
    assert {"中远海运": "Company", "招商局": "Company", "工行": "Bank", "农行": "Bank"}.items() <= ents(
        ex
    ).items()


def test_business_districts_are_places() -> None:
    assert ents(run("企业入驻陆家嘴金融贸易区和虹桥商务区。")) == {
        "陆家嘴金融贸易区": "Region",
        "虹桥商务区": "Region",
    }


def test_a_brand_the_article_names_in_full_makes_its_bare_company_a_name() -> None:
    ex = run("安徽海螺水泥股份有限公司旗下芜湖海螺公司与当地政府签约。")
    assert ("芜湖海螺公司", "SUBSIDIARY_OF", "安徽海螺水泥股份有限公司") in rels(ex)
    assert ents(run("北京上市公司协会与辖区上市公司座谈。")) == {"北京上市公司协会": "Company"}
    assert ents(run("公募基金和一些中小基金加快布局。")) == {}


def test_the_company_after_dui_raises_the_round() -> None:
    ex = run("红杉资本中国基金领投，高瓴资本跟投，完成对北京字节跳动科技有限公司的B轮融资。")
    assert {s for s, r, t in rels(ex) if r == "INVESTED_IN" and t == "北京字节跳动科技有限公司"} == {
        "红杉资本中国基金",
        "高瓴资本",
    }


def test_a_named_borrower_is_financed_not_the_city_its_loan_supports() -> None:
    ex = run("国家开发银行四川省分行向成都轨道交通集团有限公司发放贷款50亿元，支持成都地铁建设。")
    fin = {(s, t) for s, r, t in rels(ex) if r == "PROVIDED_FINANCING_TO"}
    assert fin == {("国家开发银行四川省分行", "成都轨道交通集团有限公司")}


def test_one_character_after_a_place_opens_the_brand() -> None:
    ex = run("三方合资成立北京普莱德新能源电池科技有限公司。")
    assert "北京普莱德新能源电池科技有限公司" in ents(ex)


def test_state_groups_and_brands_known_by_short_name_only_as_whole_words() -> None:
    ex = run("中国中铁与肯尼亚政府签署合作协议。")
    assert ("中国中铁", "SIGNED_AGREEMENT_WITH", "肯尼亚政府") in rels(ex)
    assert ents(run("这是一个完美的方案，施工行业持续回暖。")) == {}  # 美的 and 工行 inside other words
    assert ents(run("美的集团与格力电器竞争。")) == {"美的集团": "Company", "格力电器": "Company"}


def test_a_bare_city_government_after_a_preposition_is_a_party() -> None:
    ex = run("比亚迪、宁德时代、华为分别与市政府签订投资协议。")
    assert {s for s, r, t in rels(ex) if r == "SIGNED_AGREEMENT_WITH" and t == "市政府"} == {
        "比亚迪",
        "宁德时代",
        "华为",
    }


def test_zones_whose_name_opens_with_a_place_word() -> None:
    assert ents(run("项目落户虹桥国际中央商务区。")) == {"虹桥国际中央商务区": "Region"}


def test_a_cue_word_inside_a_name_is_no_boundary() -> None:
    ex = run(
        "中国信达资产管理股份有限公司、中国华融资产管理股份有限公司联合受让恒丰银行股份有限公司40%股份。"
    )
    buyers = {s for s, r, t in rels(ex) if t == "恒丰银行股份有限公司"}
    assert buyers == {
        "中国信达资产管理股份有限公司",
        "中国华融资产管理股份有限公司",
    }  # 华融资产 keeps its 融资


def test_a_bare_title_in_a_list_serves_the_organisation_before_it() -> None:
    ex = run("青岛港国际股份有限公司董事长苏建光、总经理张保华出席。")
    assert {s for s, r, t in rels(ex) if r == "EXECUTIVE_OF"} == {"苏建光", "张保华"}


def test_holders_of_an_unnamed_joint_venture_are_its_partners() -> None:
    ex = run("浙江吉利控股集团有限公司和沃尔沃汽车（中国）投资有限公司分别持有合资公司50%股权。")
    assert props(ex, "浙江吉利控股集团有限公司", "INVESTED_IN", "合资公司")["stake"] == "50%"
    assert ("沃尔沃汽车（中国）投资有限公司", "INVESTED_IN", "合资公司") in rels(ex)
    assert {("浙江吉利控股集团有限公司", "沃尔沃汽车（中国）投资有限公司")} == {
        (s, t) for s, r, t in rels(ex) if r == "JOINT_VENTURE_WITH"
    }
    ex = run(
        "上海国际港务（集团）股份有限公司、中远海运控股股份有限公司分别持有上海港航股权投资有限公司60%和40%的股份。"
    )
    assert props(ex, "中远海运控股股份有限公司", "INVESTED_IN", "上海港航股权投资有限公司")["stake"] == "40%"


def test_partners_that_each_put_in_half_found_a_joint_venture() -> None:
    ex = run("广州汽车集团股份有限公司与日本丰田汽车公司各出资50%成立广汽丰田汽车有限公司。")
    assert ("广州汽车集团股份有限公司", "JOINT_VENTURE_WITH", "日本丰田汽车公司") in rels(ex)
    assert ("日本丰田汽车公司", "INVESTED_IN", "广汽丰田汽车有限公司") in rels(ex)


def test_foreign_brands_spelled_in_transliteration_are_names() -> None:
    assert ("浙江吉利控股集团有限公司", "ACQUIRED", "沃尔沃汽车公司") in rels(
        run("浙江吉利控股集团有限公司收购沃尔沃汽车公司。")
    )
    assert ents(run("霍尼韦尔公司与苏州工业园区签约。"))["霍尼韦尔公司"] == "Company"
    assert ents(run("巴西公司和新能源汽车公司参与竞标。")) == {}  # a country's or an industry's companies


def test_an_official_speaking_for_the_bare_city_government_serves_it() -> None:
    ex = run("签约仪式由市政府副秘书长赵刚主持，市委常委、副市长孙丽代表市政府致辞。")
    assert {s for s, r, t in rels(ex) if r == "EXECUTIVE_OF" and t == "市政府"} == {"赵刚", "孙丽"}


def test_signatories_without_titles_are_persons_but_no_parties() -> None:
    ex = run("双方代表王小明和李大伟签署协议，中国工商银行董事长廖林见证。")
    assert {"王小明", "李大伟"} <= {n for n, t in ents(ex).items() if t == "Person"}
    assert not {x for x in rels(ex) if x[1] == "SIGNED_AGREEMENT_WITH"}


def test_a_loan_agreement_a_bank_signs_is_the_financing() -> None:
    ex = run("国家开发银行与巴基斯坦财政部签署100亿元人民币贷款协议。")
    assert rels(ex) == {("国家开发银行", "PROVIDED_FINANCING_TO", "巴基斯坦财政部")}
    assert props(ex, "国家开发银行", "PROVIDED_FINANCING_TO", "巴基斯坦财政部")["amount"] == 1e10
    ex = run("中国进出口银行与埃及政府签署了贷款协议。")  # a country's name keeps its 及
    assert rels(ex) == {("中国进出口银行", "PROVIDED_FINANCING_TO", "埃及政府")}


def test_cross_border_wordings_guarantees_bonds_and_pools() -> None:
    cases = {
        "中国银行新加坡分行为江苏交通控股有限公司提供内保外贷2亿美元。": (
            "江苏交通控股有限公司",
            "中国银行新加坡分行",
        ),
        "在建设银行上海分行的协助下，上海电气集团股份有限公司成功发行5亿欧元境外绿色债券。": (
            "上海电气集团股份有限公司",
            "建设银行上海分行",
        ),
        "汇丰银行（中国）有限公司为宁波舟山港集团有限公司搭建跨境双向人民币资金池。": (
            "宁波舟山港集团有限公司",
            "汇丰银行（中国）有限公司",
        ),
    }
    for text, (borrower, bank) in cases.items():
        assert (borrower, "CROSS_BORDER_FINANCING", bank) in rels(run(text)), text


def test_verbs_and_prepositions_before_a_name_are_no_part_of_it() -> None:
    for text, name in {
        "经中国人民银行批准，该行正式开业。": "中国人民银行",
        "本次发行已审议通过，并经江苏省政府国有资产监督管理委员会批准。": "江苏省政府国有资产监督管理委员会",
        "他投身浙江大学科研工作多年。": "浙江大学",
        "这标志着中国进出口银行与广西壮族自治区的合作进入新阶段。": "中国进出口银行",
    }.items():
        assert name in ents(run(text)), text
    assert "长沙经开区管委会" in ents(run("长沙经开区管委会与企业签约。"))  # 经 inside a name stays


def test_titles_with_former_and_advisory_words() -> None:
    ex = run("国家开发银行高级顾问李吉平出席，中国工商银行北京市分行原行长赵东平致辞。")
    assert ("李吉平", "EXECUTIVE_OF", "国家开发银行") in rels(ex)
    assert ("赵东平", "EXECUTIVE_OF", "中国工商银行北京市分行") in rels(ex)
    assert ents(run("小米集团创始人、董事长兼CEO雷军发表演讲。")).get("雷军") == "Person"


def test_witnesses_named_alone_are_persons_and_no_parties() -> None:
    ex = run("会上，王建国见证了中国建设银行与市政府的签约。")
    assert ents(ex)["王建国"] == "Person"
    assert rels(ex) == {("中国建设银行", "SIGNED_AGREEMENT_WITH", "市政府")}
    assert {"刘伟平", "陈志宏"} <= set(ents(run("刘伟平、陈志宏共同见证签约。")))


def test_a_list_of_bare_government_offices_names_each_office() -> None:
    ex = run("市政府金融办、财政局、国土资源局、交通运输局,常州银监分局的领导也参加了。")
    assert ents(ex) == {
        "市政府金融办": "GovernmentBody",
        "财政局": "GovernmentBody",
        "国土资源局": "GovernmentBody",
        "交通运输局": "GovernmentBody",
        "常州银监分局": "GovernmentBody",
    }


def test_a_village_leader_serves_the_village_after_its_town() -> None:
    ex = run("南沙区黄阁镇亭角村党支部书记张鉴华视频致辞。")
    assert ents(ex) == {"南沙区": "Region", "黄阁镇": "Region", "亭角村": "Region", "张鉴华": "Person"}
    assert ("张鉴华", "EXECUTIVE_OF", "亭角村") in rels(ex)


def test_an_industry_word_inside_a_project_name_names_no_company() -> None:
    ex = run("此次集中签约的项目包括：比亚迪新能源汽车零部件项目、宁德时代储能电池项目等。")
    assert ents(ex) == {"比亚迪": "Company", "宁德时代": "Company"}


def test_a_fund_in_company_form_is_named_by_its_legal_form() -> None:
    ex = run("国家绿色发展基金股份有限公司与浙江省签署合作协议。")
    assert ents(ex)["国家绿色发展基金股份有限公司"] == "Fund"


def test_taking_over_is_an_acquisition_and_the_one_it_is_taken_from_held_it() -> None:
    ex = run("2012年2月大恒科技从时任股东的北京中关村科学城建设股份有限公司接手诺安基金20%股权。")
    assert ("大恒科技", "ACQUIRED", "诺安基金") in rels(ex)
    assert ("北京中关村科学城建设股份有限公司", "INVESTED_IN", "诺安基金") in rels(ex)
    assert ("北京中关村科学城建设股份有限公司", "ACQUIRED", "诺安基金") not in rels(ex)
    assert ("中国平安", "ACQUIRED", "深圳发展银行股份有限公司") in rels(
        run("中国平安入主深圳发展银行股份有限公司。")
    )


def test_who_a_place_has_gathered_and_its_biggest_firm_stand_there() -> None:
    ex = run("目前，张江科学城已集聚中芯国际集成电路制造有限公司、华虹半导体有限公司等企业。")
    assert {s for s, r, t in rels(ex) if r == "LOCATED_IN" and t == "张江科学城"} == {
        "中芯国际集成电路制造有限公司",
        "华虹半导体有限公司",
    }
    ex = run("江西省最大的国有企业——江西省高速公路投资集团有限责任公司获得贷款。")
    assert ("江西省高速公路投资集团有限责任公司", "LOCATED_IN", "江西省") in rels(ex)


def test_the_subsidiary_is_the_holder_named_after_de_gudong() -> None:
    ex = run("经纬纺机公告，其子公司中融基金的创始大股东中融信托拟转让所持中融基金51%的股权。")
    assert ("中融信托", "SUBSIDIARY_OF", "经纬纺机") in rels(ex)
    assert ("中融基金", "SUBSIDIARY_OF", "经纬纺机") not in rels(ex)
    assert ("中融信托", "INVESTED_IN", "中融基金") in rels(ex)


def test_an_agreement_named_with_a_quoted_slogan() -> None:
    ex = run("中行与三峡工程开发总公司日前在北京签署了“走出去”发展战略合作协议。")
    assert ("中行", "STRATEGIC_PARTNER_OF", "三峡工程开发总公司") in rels(ex)
    assert (
        props(ex, "中行", "SIGNED_AGREEMENT_WITH", "三峡工程开发总公司")["agreement"]
        == "“走出去”发展战略合作协议"
    )


def test_a_bank_lending_to_a_list_of_companies_lends_to_each() -> None:
    ex = run(
        "会上，中国银行为上海电气集团股份有限公司、上海建工集团股份有限公司、上海城投（集团）有限公司"
        "提供意向性授信共计300亿元。"
    )
    fin = {t for s, r, t in rels(ex) if r == "PROVIDED_FINANCING_TO" and s == "中国银行"}
    assert fin == {"上海电气集团股份有限公司", "上海建工集团股份有限公司", "上海城投（集团）有限公司"}
    # one total for three borrowers is nobody's own amount (summing by borrower must not triple it)
    assert "amount" not in props(ex, "中国银行", "PROVIDED_FINANCING_TO", "上海建工集团股份有限公司")


def test_a_branch_that_opens_opens_in_the_place_its_name_holds() -> None:
    ex = run("雄安新区迎来新银行，招商银行雄安分行正式开业。")
    assert ents(ex) == {"雄安新区": "Region", "招商银行雄安分行": "Bank"}
    assert rels(ex) == {("招商银行雄安分行", "OPENED_IN", "雄安新区")}
    ex = run("中国银行（香港）有限公司在越南胡志明市开设分行。")
    assert ("中国银行（香港）有限公司", "OPENED_IN", "胡志明市") in rels(ex)
    assert not any("开设" in n for n in ents(ex))


SYNDICATE_ARTICLE = (
    "近日，由国家开发银行浙江省分行牵头，中国进出口银行浙江省分行、中国农业银行浙江省分行、浙商银行股份有限公司"
    "共同组建的银团，与浙江省交通投资集团有限公司签订杭绍甬高速公路项目银团贷款合同，贷款总额280亿元。"
    "其中，国家开发银行浙江省分行承贷120亿元。"
    "此前，浙江省交通投资集团有限公司还在境外成功发行5亿美元债券，由中国银行（香港）有限公司、汇丰银行担任联席全球协调人。"
)


def test_a_syndicate_formed_together_is_no_joint_venture_and_lends_to_the_company_that_signs() -> None:
    ex = run(SYNDICATE_ARTICLE)
    r = rels(ex)
    assert not {x for x in r if x[1] in ("JOINT_VENTURE_WITH", "INVESTED_IN")}
    lenders = {s for s, t, o in r if t == "PROVIDED_FINANCING_TO" and o == "浙江省交通投资集团有限公司"}
    assert len(lenders) == 4
    assert not {x for x in r if x[1] == "PROVIDED_FINANCING_TO" and x[2] == "杭绍甬高速公路项目"}
    own = props(ex, "国家开发银行浙江省分行", "PROVIDED_FINANCING_TO", "浙江省交通投资集团有限公司")
    assert own["amount_text"] == "120亿元" and "amount_scope" not in own
    xb = {o for s, t, o in r if t == "CROSS_BORDER_FINANCING"}
    assert xb == {"中国银行（香港）有限公司", "汇丰银行"}  # 联席全球协调人 underwrite the offshore bond


def test_holders_together_and_a_grandchild_company() -> None:
    ex = run("上海凯博投资管理合伙企业（有限合伙）和自然人王凯合计持有上海凯博生物科技有限公司100%股权。")
    holders = {s for s, r, t in rels(ex) if r == "INVESTED_IN" and t == "上海凯博生物科技有限公司"}
    assert holders == {"上海凯博投资管理合伙企业（有限合伙）", "王凯"}  # 王凯, not 王凯合
    ex = run("本次交易完成后，上海凯博生物科技有限公司将成为华东医药股份有限公司控股孙公司。")
    assert ("上海凯博生物科技有限公司", "SUBSIDIARY_OF", "华东医药股份有限公司") in rels(ex)


def test_a_dateline_ends_at_xun_but_a_brand_keeps_it() -> None:
    assert ents(run("中广网12月1日讯中国银行与市政府签约。")) == {
        "中国银行": "Bank",
        "市政府": "GovernmentBody",
    }
    ex = run("其中，科大讯飞股份有限公司将在合肥高新区建设人工智能研究院。")
    assert ents(ex) == {"科大讯飞股份有限公司": "Company", "合肥高新区": "Region"}
    assert ("科大讯飞股份有限公司", "OPENED_IN", "合肥高新区") in rels(ex)


def test_a_name_before_yu_and_unnamed_settlers() -> None:
    ex = run("成都高新区党工委书记、管委会主任罗强与京东方执行副总裁刘晓东代表双方签约。")
    assert {"罗强", "刘晓东"} <= {n for n, t in ents(ex).items() if t == "Person"}
    ex = run("京东方科技集团股份有限公司成都基地已累计投资超过800亿元，带动上下游60余家配套企业落户成都。")
    assert not {x for x in rels(ex) if x[1] == "OPENED_IN"}


def test_an_announcers_own_unit_after_qixia_and_no_borrower_carried_over() -> None:
    ex = run(
        "汇丰控股有限公司宣布，旗下香港上海汇丰银行有限公司将向新鸿基地产发展有限公司提供50亿港元绿色贷款。"
        "此外，渣打银行（香港）有限公司与中国银行（香港）有限公司联合为港铁公司安排80亿港元银团贷款。"
    )
    assert ("香港上海汇丰银行有限公司", "SUBSIDIARY_OF", "汇丰控股有限公司") in rels(ex)
    lenders = {s for s, r, t in rels(ex) if r == "PROVIDED_FINANCING_TO" and t == "新鸿基地产发展有限公司"}
    assert lenders == {"香港上海汇丰银行有限公司"}  # the second loan is another borrower's


def test_a_fund_that_contributes_is_no_investee_of_the_next_contributor() -> None:
    ex = run(
        "江苏省政府投资基金与南京扬子国资投资集团有限责任公司共同发起设立江苏江北新区集成电路产业投资基金，"
        "基金总规模100亿元。其中，江苏省政府投资基金出资30亿元，南京扬子国资投资集团有限责任公司出资40亿元。"
    )
    assert ("南京扬子国资投资集团有限责任公司", "INVESTED_IN", "江苏省政府投资基金") not in rels(ex)
    own = props(ex, "南京扬子国资投资集团有限责任公司", "INVESTED_IN", "江苏江北新区集成电路产业投资基金")
    assert own["amount_text"] == "40亿元"


def test_an_announcing_companys_controlling_holder_and_lender() -> None:
    ex = run(
        "海南机场设施股份有限公司发布公告称，公司控股股东海南机场集团有限公司拟转让股份。"
        "同日，工商银行海南省分行将为公司提供不超过100亿元的综合授信。"
    )
    assert ("海南机场设施股份有限公司", "SUBSIDIARY_OF", "海南机场集团有限公司") in rels(ex)
    assert ("工商银行海南省分行", "PROVIDED_FINANCING_TO", "海南机场设施股份有限公司") in rels(ex)


def test_a_holder_selling_part_of_the_announcing_company_holds_it() -> None:
    ex = run(
        "海南机场设施股份有限公司发布公告称，公司控股股东海南机场集团有限公司拟将其持有的公司15%股份"
        "协议转让给海南省国有资本运营有限公司。"
    )
    assert props(ex, "海南机场集团有限公司", "INVESTED_IN", "海南机场设施股份有限公司")["stake"] == "15%"


def test_a_list_of_attending_officials_of_named_bodies() -> None:
    ex = run(
        "出席活动的还有：中国人民银行上海总部副主任金鹏辉，国家外汇管理局上海市分局局长吴勇，"
        "浦东新区区长杭迎伟，以及交通银行、浦发银行等金融机构负责人。"
    )
    assert {(s, t) for s, r, t in rels(ex) if r == "EXECUTIVE_OF"} == {
        ("金鹏辉", "中国人民银行上海总部"),
        ("吴勇", "国家外汇管理局上海市分局"),
        ("杭迎伟", "浦东新区"),
    }
    assert "浦东新区区" not in ents(ex)


def test_each_title_of_a_chain_serves_its_own_place() -> None:
    ex = run(
        "广州开发区管委会与小鹏汽车科技有限公司签约，小鹏汽车将在广州开发区建设智能网联汽车产业园。"
        "广州市委常委、黄埔区委书记、广州开发区党工委书记陈杰出席签约仪式。"
    )
    served = {t: props(ex, "陈杰", "EXECUTIVE_OF", t)["role"] for s, r, t in rels(ex) if r == "EXECUTIVE_OF"}
    assert served == {"广州市": "市委常委", "黄埔区": "区委书记", "广州开发区": "党工委书记"}
    assert ("小鹏汽车科技有限公司", "OPENED_IN", "广州开发区") in rels(ex)


def test_a_strategic_cooperation_signing_ceremony_between_two_named_parties() -> None:
    ex = run("京东集团与中国邮政集团有限公司战略合作签约仪式在北京举行。")
    assert ("京东集团", "STRATEGIC_PARTNER_OF", "中国邮政集团有限公司") in rels(ex)
    assert ("京东集团", "SIGNED_AGREEMENT_WITH", "中国邮政集团有限公司") in rels(ex)


def test_a_known_groups_provincial_company_and_an_agreement_with_latin_letters() -> None:
    ex = run("中新广州知识城管委会与中国电信广东公司签署5G战略合作协议。")
    assert ents(ex) == {"中新广州知识城管委会": "GovernmentBody", "中国电信广东公司": "Company"}
    assert (
        props(ex, "中新广州知识城管委会", "SIGNED_AGREEMENT_WITH", "中国电信广东公司")["agreement"]
        == "5G战略合作协议"
    )


def test_a_verb_or_adverb_before_an_industry_word_names_no_company() -> None:
    ex = run("项目预计总投资50亿元，将提高投资效率，国内较早布局新能源的企业受益。")
    assert not {n for n, t in ents(ex).items() if t == "Company"}
    assert ents(run("中金资本与极狐汽车签约。")) == {"中金资本": "Company", "极狐汽车": "Company"}


def test_latin_and_digits_inside_a_name_and_a_loan_to_its_subsidiary() -> None:
    ex = run("长三角G60科创走廊联席会议办公室与上海银行股份有限公司签署战略合作协议。")
    assert ents(ex) == {"长三角G60科创走廊联席会议办公室": "GovernmentBody", "上海银行股份有限公司": "Bank"}
    ex = run(
        "同日，上海银行还与上海松江国有资产投资经营管理集团有限公司签署银企合作协议，"
        "并为其下属子公司上海松江城投发展有限公司发放首笔贷款2亿元。"
    )
    assert "上海松江国有资产投资经营管理集团有限公司" in ents(ex)  # 经营 inside a name is no cue
    fin = {t for s, r, t in rels(ex) if r == "PROVIDED_FINANCING_TO"}
    assert fin == {"上海松江城投发展有限公司"}


def test_the_bank_that_forms_a_syndicate_leads_it() -> None:
    ex = run(
        "近日，中国农业银行江苏省分行牵头组建的12家银行银团与江苏沿海港口集团有限公司签署银团贷款合同，"
        "贷款金额达120亿元。参与银团的银行包括工商银行、建设银行、中国银行等。"
    )
    assert (
        props(ex, "中国农业银行江苏省分行", "PROVIDED_FINANCING_TO", "江苏沿海港口集团有限公司")["role"]
        == "牵头行"
    )
    assert props(ex, "工商银行", "PROVIDED_FINANCING_TO", "江苏沿海港口集团有限公司")["role"] == "银团成员"


def test_a_headquarters_set_in_a_place_stands_there() -> None:
    ex = run("深圳市大疆创新科技有限公司总部设于深圳市南山区。")
    assert ("深圳市大疆创新科技有限公司", "LOCATED_IN", "深圳市南山区") in rels(ex)

"""What a view shows: focus/depth, type, relation, date and evidence filters, and truncation."""

from __future__ import annotations

import pytest
from test_view_sample import sample_graph

from kg.errors import ViewError
from kg.view.select import ViewOptions, date_in_range, select_view


def ids(selection) -> tuple[list[str], list[str]]:
    return [e.id for e in selection.graph.entities], [r.id for r in selection.graph.relations]


def test_no_filters_keeps_everything_including_isolated_entities() -> None:
    graph = sample_graph()
    sel = select_view(graph, ViewOptions(show_isolated=True))
    assert sel.graph == graph
    assert not sel.truncated and sel.omitted_relations == 0 and sel.hidden_isolated == 0


def test_whole_graph_hides_isolated_entities_by_default_and_says_how_many() -> None:
    graph = sample_graph()
    sel = select_view(graph, ViewOptions())
    assert "iso" not in {e.id for e in sel.graph.entities}
    assert sel.hidden_isolated == 1 and len(sel.graph.entities) == len(graph.entities) - 1
    assert sel.graph.relations == graph.relations
    focused = select_view(graph, ViewOptions(focus="上海临港新片区", depth=0))
    assert focused.hidden_isolated == 0  # a focus view shows its focus, related or not


def test_focus_matches_alias_and_depth_one_is_the_ego_network() -> None:
    sel = select_view(sample_graph(), ViewOptions(focus="平安集团", depth=1))
    assert sel.focus_ids == ["c1"]
    assert ids(sel) == (["c1", "c2", "g1", "p1"], ["rel-exec", "rel-sp", "rel-sub"])
    assert [a.id for a in sel.graph.articles] == ["a1", "a2"]


def test_focus_depth_two_and_zero() -> None:
    graph = sample_graph()
    two = select_view(graph, ViewOptions(focus="中国平安集团", depth=2))
    assert ids(two)[0] == ["b1", "c1", "c2", "g1", "p1", "r1", "x1"]
    assert len(two.graph.relations) == 6
    zero = select_view(graph, ViewOptions(focus="中国平安集团", depth=0))
    assert ids(zero) == (["c1"], [])


def test_focus_ignores_width_case_and_spaces() -> None:
    sel = select_view(sample_graph(), ViewOptions(focus=" 中国 平安集团 ", depth=0))
    assert sel.focus_ids == ["c1"]
    fullwidth = select_view(sample_graph(), ViewOptions(focus="<ｉｍｇ src=x onerror=alert(1)>", depth=0))
    assert fullwidth.focus_ids == ["x1"]


def test_unknown_focus_is_a_clear_error_with_suggestions() -> None:
    with pytest.raises(ViewError) as exc:
        select_view(sample_graph(), ViewOptions(focus="不存在公司"))
    assert str(exc.value) == "no entity named '不存在公司' (names and aliases were searched)"
    with pytest.raises(ViewError) as exc:
        select_view(sample_graph(), ViewOptions(focus="平安"))
    assert str(exc.value) == (
        "no entity named '平安' (names and aliases were searched); did you mean: 中国平安集团, 平安直通咨询有限公司"
    )


def test_type_filter_accepts_english_and_chinese_and_keeps_isolated_entities() -> None:
    sel = select_view(sample_graph(), ViewOptions(types=["company", "银行"], show_isolated=True))
    assert ids(sel) == (["b1", "c1", "c2", "iso", "x1"], ["rel-fin", "rel-inv", "rel-sub"])


def test_relation_filter_drops_entities_it_does_not_touch() -> None:
    sel = select_view(sample_graph(), ViewOptions(relations=["融资"]))
    assert ids(sel) == (["b1", "c2"], ["rel-fin"])
    both = select_view(sample_graph(), ViewOptions(relations=["SUBSIDIARY_OF,opened_in"]))
    assert ids(both) == (["c1", "c2", "r1"], ["rel-open", "rel-sub"])


def test_since_until_compare_at_common_precision_and_drop_undated() -> None:
    graph = sample_graph()
    assert ids(select_view(graph, ViewOptions(since="2022")))[1] == ["rel-fin", "rel-open", "rel-sp"]
    assert ids(select_view(graph, ViewOptions(until="2021")))[1] == ["rel-inv", "rel-sub"]
    assert ids(select_view(graph, ViewOptions(since="2022-02", until="2022-12-31")))[1] == ["rel-sp"]
    assert ids(select_view(graph, ViewOptions(since="2022-01-07", until="2022-01-07")))[1] == [
        "rel-fin",
        "rel-open",
    ]


@pytest.mark.parametrize(
    ("date", "since", "until", "expected"),
    [
        ("2022", "2022-06", None, True),
        ("2021-12", "2022", None, False),
        ("2022-06-30", None, "2022-06", True),
        ("2022-07-01", None, "2022-06", False),
        (None, "2020", None, False),
        (None, None, None, True),
    ],
)
def test_date_in_range(date, since, until, expected) -> None:
    assert date_in_range(date, since, until) is expected


def test_min_evidence() -> None:
    assert ids(select_view(sample_graph(), ViewOptions(min_evidence=2))) == (["c1", "c2"], ["rel-sub"])


def test_filters_combine_with_focus() -> None:
    sel = select_view(sample_graph(), ViewOptions(focus="平安直通咨询有限公司", depth=1, since="2021"))
    assert ids(sel) == (["b1", "c1", "c2", "r1"], ["rel-fin", "rel-open", "rel-sub"])


def test_truncation_keeps_the_most_connected_and_counts_the_rest() -> None:
    sel = select_view(sample_graph(), ViewOptions(max_nodes=3, show_isolated=True))
    # c2 (degree 4), c1 (3), then b1 wins the tie among degree-1 entities by id
    assert ids(sel) == (["b1", "c1", "c2"], ["rel-fin", "rel-sub"])
    assert sel.truncated
    assert (sel.matched_entities, sel.omitted_entities) == (8, 5)
    assert (sel.matched_relations, sel.omitted_relations) == (6, 4)
    assert sel.omitted_examples == [
        "临港新片区管委会",
        "卢跃",
        "上海临港新片区",
        "<img src=x onerror=alert(1)>",
        "孤立科技有限公司",
    ]


def test_truncation_around_a_focus_prefers_near_entities() -> None:
    sel = select_view(sample_graph(), ViewOptions(focus="上海临港新片区", depth=3, max_nodes=3))
    # r1 (distance 0), c2 (1), then c1 (distance 2, degree 3) before b1/x1 (distance 2, degree 1)
    assert ids(sel) == (["c1", "c2", "r1"], ["rel-open", "rel-sub"])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ViewOptions(since="2022/01"), "--since '2022/01' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        (ViewOptions(since="2023", until="2022-05"), "--since 2023 is after --until 2022-05"),
        (
            ViewOptions(types=["Startup"]),
            (
                "unknown entity type 'Startup' (choose from Company, Bank, "
                "GovernmentBody, Region, Person, Fund, Event)"
            ),
        ),
        (
            ViewOptions(relations=["LIKES"]),
            (
                "unknown relation type 'LIKES' (choose from SUBSIDIARY_OF, "
                "SIGNED_AGREEMENT_WITH, STRATEGIC_PARTNER_OF, PROVIDED_FINANCING_TO, CROSS_BORDER_FINANCING, "
                "INVESTED_IN, ACQUIRED, JOINT_VENTURE_WITH, OPENED_IN, LOCATED_IN, EXECUTIVE_OF, ATTENDED, BRANCH_OF)"
            ),
        ),
        (ViewOptions(depth=-1), "--depth must be 0 or more, got -1"),
        (ViewOptions(depth=2), "--depth counts hops around --focus: add --focus NAME or drop --depth"),
        (ViewOptions(depth=0), "--depth counts hops around --focus: add --focus NAME or drop --depth"),
        (ViewOptions(max_nodes=0), "--max-nodes must be at least 1, got 0"),
    ],
)
def test_bad_options_are_one_clear_error(options: ViewOptions, message: str) -> None:
    with pytest.raises(ViewError) as exc:
        select_view(sample_graph(), options)
    assert str(exc.value) == message

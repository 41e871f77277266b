"""`kg view` on a store of any size: the selection of kg.view.select, computed in SQL.

Reading the whole store into pydantic models and then truncating costs seconds and gigabytes on a large
store; here SQL picks the kept entities and relations (kg.store.read.rank_view_entities) and only those
rows become models (read_subgraph). The result equals select_view(read_graph(db), options).
"""

from __future__ import annotations

from pathlib import Path

from kg.view.select import Selection, ViewOptions, date_in_range, match_focus, parse_options


def select_store_view(db_path: str | Path, options: ViewOptions) -> Selection:
    """What `options` selects from the store at `db_path`, without loading the rest of it."""
    from kg.store.inspect import branches_of
    from kg.store.read import open_store, rank_view_entities, read_entity_names, read_subgraph
    from kg.store.schema import store_errors

    parsed = parse_options(options)  # bad options fail before the store is opened
    conn = open_store(db_path)
    try:
        with store_errors(db_path):
            focus_ids: list[str] = []
            if options.focus is not None:
                focus_ids = match_focus(read_entity_names(conn), options.focus)
                if options.with_branches:
                    branches = {b["id"] for f in focus_ids for b in branches_of(conn, f)}
                    focus_ids = sorted(set(focus_ids) | branches)
            since, until = parsed.since, parsed.until
            ranked = rank_view_entities(
                conn,
                entity_types=[t.value for t in parsed.types],
                relation_types=[t.value for t in parsed.rel_types],
                date_ok=(lambda d: date_in_range(d, since, until)) if since or until else None,
                min_evidence=options.min_evidence,
                focus_ids=focus_ids,
                depth=1 if options.depth is None else options.depth,
                max_nodes=options.max_nodes,
                max_edges=options.max_edges,
                show_isolated=options.show_isolated,
            )
            graph = read_subgraph(conn, ranked.entity_ids, ranked.relation_ids)
    finally:
        conn.close()
    return Selection(
        graph=graph,
        focus_ids=focus_ids,
        matched_entities=ranked.matched_entities,
        matched_relations=ranked.matched_relations,
        omitted_entities=ranked.omitted_entities,
        omitted_relations=ranked.omitted_relations,
        omitted_examples=ranked.omitted_examples,
        capped_relations=ranked.capped_relations,
        hidden_isolated=ranked.hidden_isolated,
    )

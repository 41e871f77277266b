"""The page's CSS, script and UI strings. The HTML skeleton is the Jinja template templates/kg_page.html,
which pyvis's Network.generate_html() renders; the behaviour lives in kg/view/page_js.txt.
"""

from __future__ import annotations

from pathlib import Path

PAGE_JS = (Path(__file__).with_name("page_js.txt")).read_text(encoding="utf-8")
TEMPLATE_DIR = Path(__file__).with_name("templates")
TEMPLATE_NAME = "kg_page.html"

UI_STRINGS: dict[str, dict[str, str]] = {
    "zh": {
        "title": "企业关系知识图谱",
        "search": "搜索名称或别名…",
        "entityTypes": "实体类型",
        "relationTypes": "关系类型",
        "shown": "显示 {nodes} 个实体、{edges} 条关系",
        "truncated": "图谱较大：仅显示连接最多的 {shown} / {total} 个实体（上限 {limit}），"
        "省略 {omitted} 个实体和 {omitted_rel} 条关系。",
        "edgesCapped": "关系较多：仅显示证据最多的 {shown} / {total} 条关系（上限 {limit}），省略 {omitted} 条。",
        "isolatedHidden": "未显示 {n} 个没有任何关系的实体（--show-isolated 可显示）。",
        "layout": "正在布局… {pct}%",
        "type": "类型",
        "aliases": "别名",
        "degree": "关系数",
        "articles": "文章",
        "evidence": "证据",
        "properties": "属性",
        "close": "关闭",
        "noEvidence": "无证据句",
        "empty": "没有符合条件的实体。",
        "articleCount": "支持文章数",
        "more": "另有 {n} 条证据，点击查看",
        "link": "原文链接",
        "hint": "悬停查看详情，点击关系查看证据",
    },
    "en": {
        "title": "Company relations knowledge graph",
        "search": "Search names or aliases…",
        "entityTypes": "Entity types",
        "relationTypes": "Relation types",
        "shown": "Showing {nodes} entities, {edges} relations",
        "truncated": "Large graph: showing the {shown} most connected of {total} entities (limit {limit}); "
        "left out {omitted} entities and {omitted_rel} relations.",
        "isolatedHidden": "{n} entities without any relation are not shown (--show-isolated shows them).",
        "edgesCapped": "Many relations: showing the {shown} best-supported of {total} (limit {limit}); "
        "left out {omitted}.",
        "layout": "Laying out… {pct}%",
        "type": "Type",
        "aliases": "Aliases",
        "degree": "Relations",
        "articles": "Articles",
        "evidence": "Evidence",
        "properties": "Properties",
        "close": "Close",
        "noEvidence": "No evidence sentence",
        "empty": "No entity matches the filters.",
        "articleCount": "Supporting articles",
        "more": "{n} more evidence sentences: click to see them",
        "link": "source",
        "hint": "Hover for details, click a relation for its evidence",
    },
}

PAGE_CSS = """
html, body { margin: 0; padding: 0; height: 100%; overflow: hidden;
  font-family: {{font_stack}}; font-size: 14px; color: #222; }
#kg-graph { position: absolute; inset: 0; }
#kg-bar { position: absolute; top: 8px; left: 8px; z-index: 5; width: 250px; max-height: calc(100% - 16px);
  overflow: auto; background: rgba(255,255,255,0.95); border: 1px solid #ddd; border-radius: 6px;
  padding: 8px 10px; box-shadow: 0 1px 4px rgba(0,0,0,0.12); }
#kg-bar h1 { font-size: 15px; margin: 0 0 6px 0; }
#kg-bar h2 { font-size: 13px; margin: 10px 0 4px 0; color: #555; }
#kg-search { width: 100%; box-sizing: border-box; padding: 5px 6px; font: inherit;
  border: 1px solid #bbb; border-radius: 4px; }
#kg-bar label { display: flex; align-items: center; gap: 5px; margin: 2px 0; cursor: pointer; }
#kg-bar .glyph { display: inline-block; width: 16px; text-align: center; }
#kg-bar .line { display: inline-block; width: 18px; height: 3px; }
#kg-bar .count { margin-left: auto; color: #888; font-size: 12px; }
#kg-status { font-size: 12px; color: #555; margin-top: 6px; }
#kg-hint { font-size: 12px; color: #888; margin-top: 2px; }
#kg-notice { position: absolute; top: 8px; left: 50%; transform: translateX(-50%); z-index: 6;
  max-width: 50%; background: #fff4ce; border: 1px solid #e0c060; border-radius: 6px; padding: 6px 10px;
  font-size: 13px; }
#kg-notice:empty { display: none; }
#kg-empty { position: absolute; top: 45%; width: 100%; text-align: center; color: #777; font-size: 18px; }
#kg-progress { position: absolute; bottom: 10px; left: 50%; transform: translateX(-50%); z-index: 6;
  background: rgba(255,255,255,0.9); padding: 4px 10px; border-radius: 4px; font-size: 12px; }
#kg-panel { position: absolute; top: 0; right: 0; bottom: 0; width: 380px; z-index: 7; overflow: auto;
  background: #fff; border-left: 1px solid #ccc; box-shadow: -2px 0 6px rgba(0,0,0,0.1);
  padding: 12px 14px; box-sizing: border-box; }
#kg-panel[hidden] { display: none; }
#kg-panel h3 { margin: 0 28px 6px 0; font-size: 16px; word-break: break-all; }
#kg-panel h4 { margin: 12px 0 4px 0; font-size: 13px; color: #555; }
#kg-panel .close { position: absolute; top: 8px; right: 10px; border: none; background: none;
  font-size: 18px; cursor: pointer; }
#kg-panel table { border-collapse: collapse; }
#kg-panel td { padding: 2px 8px 2px 0; vertical-align: top; }
#kg-panel blockquote { margin: 6px 0 2px 0; padding: 4px 8px; border-left: 3px solid #4e79a7;
  background: #f4f6fa; }
#kg-panel .src { font-size: 12px; color: #666; margin-bottom: 8px; }
div.vis-tooltip { font-family: {{font_stack}}; max-width: 380px; white-space: normal; font-size: 13px; }
.kg-tip-title { font-weight: bold; }
.kg-tip-sub { color: #666; }
.kg-tip-ev { margin-top: 4px; padding-left: 6px; border-left: 2px solid #aaa; }
/* set after a click opens the side panel: the hover tooltip of what was clicked would only repeat it */
#kg-graph.kg-tip-hidden div.vis-tooltip { visibility: hidden !important; }
#kg-graph.kg-fitting canvas { visibility: hidden; }
"""

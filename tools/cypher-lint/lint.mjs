// Offline Cypher lint with Neo4j's own front end (@neo4j-cypher/language-support, pinned).
//
// stdin:  {"dbSchema": {...DbSchema...}, "builtins": true, "queries": [{"name": "...", "query": "..."}]}
//         builtins: add Neo4j's built-in functions and procedures (the package's bundled registry, minus
//         apoc.* / gds.* / genai.*) so that an APOC or misspelt function call is reported.
// stdout: {"results": [{"name": "...", "diagnostics": [{"severity": "error|warning|info|hint",
//          "message": "...", "line": 1, "column": 1, "offset": 0}]}]}
// Exit code 0 whatever the diagnostics (the caller decides); 2 on bad input.
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function toPlain(d) {
  return {
    severity: SEVERITY[d.severity] ?? String(d.severity),
    message: d.message,
    line: d.range.start.line + 1,
    column: d.range.start.character + 1,
    offset: d.offsets?.start ?? null,
  };
}

let input;
try {
  input = JSON.parse(await readStdin());
} catch (err) {
  process.stderr.write(`lint.mjs: stdin is not JSON: ${err.message}\n`);
  process.exit(2);
}
if (!input || !Array.isArray(input.queries)) {
  process.stderr.write('lint.mjs: expected {"dbSchema": {...}, "queries": [{"name", "query"}]}\n');
  process.exit(2);
}
const PLUGINS = /^(apoc|gds|genai)\./;

function builtinsOnly(scoped) {
  const out = {};
  for (const [version, registry] of Object.entries(scoped ?? {})) {
    out[version] = Object.fromEntries(Object.entries(registry).filter(([name]) => !PLUGINS.test(name)));
  }
  return out;
}

const dbSchema = { ...(input.dbSchema ?? {}) };
if (input.builtins) {
  dbSchema.functions = builtinsOnly(testData.mockSchema.functions);
  dbSchema.procedures = builtinsOnly(testData.mockSchema.procedures);
}
const results = input.queries.map(({ name, query }) => {
  const { diagnostics } = lintCypherQuery(query, dbSchema);
  return { name, diagnostics: diagnostics.map(toPlain) };
});
process.stdout.write(JSON.stringify({ results }) + '\n');

/**
 * The dashboard's HTML shell: inline CSS and one script (/app.js, bundled from node_modules).
 * Everything else is drawn by web/app.ts from the JSON API.
 * @module
 */
export function pageHtml(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>keytwin dashboard</title>
<style>
:root { --fg: #1d2433; --muted: #5b6476; --line: #dfe3ea; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; color: var(--fg); margin: 0; background: #f6f7f9; }
header { background: #1d2433; color: white; padding: 12px 24px; display: flex; gap: 24px; align-items: baseline; }
header h1 { margin: 0; font-size: 19px; }
header a { color: #c9d1e0; text-decoration: none; }
header a:hover { color: white; }
#store { margin-left: auto; color: #9aa5b8; font-size: 12px; }
main { max-width: 1640px; margin: 0 auto; padding: 16px 24px 40px; }
h2.page { font-size: 18px; margin: 6px 0 12px; }
section.chart { background: white; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 14px 0; }
section.chart h3 { font-size: 16px; margin: 0 0 4px; }
section.chart p.sub { color: var(--muted); margin: 0 0 8px; }
.message { border: 1px solid #c0892b; background: #fff8ec; color: #7a5212; padding: 14px 16px; border-radius: 6px; margin: 14px 0; }
.message.error { border-color: #c23b3b; background: #fff0f0; color: #8a1f1f; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 10px; text-align: right; }
th:first-child, td:first-child, td.l, th.l { text-align: left; }
th { background: #f0f2f5; }
table.runs { background: white; width: 100%; font-size: 13px; }
table.runs td a { color: var(--accent); }
details summary { cursor: pointer; color: var(--accent); margin-top: 6px; }
button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: white; cursor: pointer; }
button:disabled { opacity: 0.45; cursor: default; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.tag { display: inline-block; font-size: 11px; font-weight: bold; color: white; background: var(--accent); border-radius: 3px; padding: 1px 6px; margin-right: 6px; }
.tag.b { background: #e15759; }
.progress { background: #e3e7ee; border-radius: 4px; height: 18px; overflow: hidden; }
.progress > div { background: #59a14f; height: 100%; }
.facts { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.fact { background: white; border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; }
.fact b { display: block; font-size: 17px; }
.fact span { color: var(--muted); font-size: 12px; }
svg { max-width: 100%; height: auto; }
section.chart { position: relative; }
.tools { position: absolute; top: 10px; right: 12px; display: flex; gap: 6px; }
section.chart h3 { padding-right: 100px; }
button.tool { font-size: 12px; padding: 2px 8px; background: white; color: var(--accent); }
table.runs th.sortable { cursor: pointer; user-select: none; white-space: nowrap; }
table.runs th.sortable:hover { background: #e3e8f0; }
table.runs code.id, p.runid code { color: var(--muted); font-size: 11px; }
p.runid { margin: -8px 0 6px; color: var(--muted); font-size: 12px; }
input#filter { font: inherit; padding: 5px 10px; width: 360px; max-width: 100%; border: 1px solid var(--line); border-radius: 4px; }
</style></head>
<body>
<header><h1>keytwin</h1><a href="#/">Runs</a><a href="#/live">Live</a><a href="/learn/unlock">Learn</a><a href="/explore/energy">Explore</a><span id="store"></span></header>
<main id="app"><p>Loading…</p></main>
<noscript>The dashboard draws its charts with JavaScript; the static HTML report (keytwin report) works without it.</noscript>
<script src="/app.js"></script>
</body></html>
`;
}

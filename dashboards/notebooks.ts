/**
 * The built notebooks (notebooks/dist, from `npm run notebooks`) served by the dashboard under
 * /learn/… and /explore/…, with the Framework's own asset folders beside them. The pages fetch the
 * dashboard's API from the same origin. Without a build, the notebook paths answer with a page that
 * says how to build them, never a crash.
 * @module
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run notebooks` writes the pages (repo-relative, resolved from this file). */
export const NOTEBOOKS_DIST = fileURLToPath(new URL('../notebooks/dist', import.meta.url));

/** First path segments that belong to the notebooks build. */
const PREFIXES = ['learn', 'explore', '_observablehq', '_node', '_import', '_file', '_npm'];
/** Where a bare section name leads (each section's first page). */
const SECTION_HOME: Readonly<Record<string, string>> = { '/learn': '/learn/unlock', '/learn/': '/learn/unlock', '/explore': '/explore/energy', '/explore/': '/explore/energy' };

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export type NotebookAnswer =
  | { kind: 'file'; type: string; body: Buffer }
  | { kind: 'redirect'; location: string }
  | { kind: 'missing'; status: number; type: string; body: string };

/** True when `path` is one the notebooks build owns. */
export function isNotebookPath(path: string): boolean {
  const first = path.split('/')[1] ?? '';
  return PREFIXES.includes(first);
}

/**
 * The answer for a notebook path: the file from `dist` (clean URLs: `/learn/unlock` is
 * `learn/unlock.html`), a redirect for a bare section, or a page naming what is missing.
 */
export async function notebookFile(dist: string, path: string): Promise<NotebookAnswer> {
  const home = SECTION_HOME[path];
  if (home) return { kind: 'redirect', location: home };
  const root = resolve(dist);
  if (!(await isDir(root))) return missing(503, notBuiltPage(root));
  let rel: string;
  try {
    rel = decodeURIComponent(path);
  } catch {
    return missing(400, `bad URL encoding in ${path}`);
  }
  const file = resolve(join(root, rel));
  // Never outside dist/, whatever the path says (../, encoded slashes).
  if (file !== root && !file.startsWith(root + sep)) return missing(404, `no notebook file ${path}`);
  for (const candidate of extname(file) ? [file] : [`${file}.html`, join(file, 'index.html')]) {
    try {
      return { kind: 'file', type: TYPES[extname(candidate)] ?? 'application/octet-stream', body: await readFile(candidate) };
    } catch {
      // try the next form of the clean URL
    }
  }
  return missing(404, `no notebook page ${path} in ${root} (pages: /learn/unlock, /explore/energy, /explore/runs)`);
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

function missing(status: number, message: string): NotebookAnswer {
  const body = message.startsWith('<!doctype') ? message : `<!doctype html><meta charset="utf-8"><title>keytwin notebooks</title><p>${escapeHtml(message)}</p><p><a href="/">Back to the dashboard</a></p>`;
  return { kind: 'missing', status, type: 'text/html; charset=utf-8', body };
}

function notBuiltPage(root: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>keytwin notebooks: not built</title>
<style>body{font:15px/1.5 system-ui,"DejaVu Sans",sans-serif;max-width:720px;margin:40px auto;color:#1d2433}code{background:#f0f2f5;padding:1px 5px;border-radius:3px}</style></head>
<body><h1>The notebooks are not built yet</h1>
<p id="notebooks-missing">The Learn and Explore pages are built from <code>notebooks/</code> into <code>${escapeHtml(root)}</code>, which does not exist.</p>
<p>Build them once (offline, from node_modules; about a minute the first time):</p>
<pre><code>npm run notebooks</code></pre>
<p>then reload this page; the dashboard serves them without a restart. <a href="/">Back to the dashboard</a></p></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

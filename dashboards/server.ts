/**
 * `keytwin dashboard`: a node:http server on loopback serving the bundled page and a JSON API
 * over the run store, plus the live-progress endpoint (see live.ts).
 *
 *   GET  /                      the page (index.html, inline CSS)      GET /app.js  the bundle
 *   GET  /api/runs              { store, runs: RunListing[], live: LiveSnapshot summaries }
 *   GET  /api/runs/<id>         RunView (404 { error } when the id is not in the store)
 *   GET  /api/compare?a=<id>&b=<id>   { a: RunView, b: RunView }
 *   GET  /api/sweeps            { store, sweeps: SweepListing[] }
 *   GET  /api/sweeps/<id>       SweepView (404 { error } when the id is not in the store)
 *   POST /api/live              LiveSnapshot → 204 (400 { error } naming the bad field)
 *   GET  /api/live              { runs: LiveSnapshot[] }
 *   GET  /api/live/<id>         LiveSnapshot & { history: LiveProgressPoint[] }
 *   GET  /learn/…, /explore/…   the built notebooks (notebooks.ts; a how-to-build page without them)
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StoreLockedError } from '../store/index.ts';
import { appBundle } from './bundle.ts';
import { LiveBoard, LiveSnapshotError, parseLiveSnapshot } from './live.ts';
import { runView, sweepView, SweepDocumentError, type RunView, type RunViewOptions } from '../charts/index.ts';
import type { RunStore } from './store-access.ts';
import { pageHtml } from './web/page.ts';
import { isNotebookPath, notebookFile, NOTEBOOKS_DIST } from './notebooks.ts';

export type { RunStore } from './store-access.ts';

export interface DashboardOptions extends RunViewOptions {
  store: RunStore;
  /** 0 picks a free port. Defaults to 0. */
  port?: number;
  /** Defaults to 127.0.0.1: the dashboard has no authentication, keep it on loopback. */
  host?: string;
  /** The notebooks build served under /learn and /explore. Defaults to the repo's notebooks/dist. */
  notebooksDir?: string;
}

export interface Dashboard {
  url: string;
  port: number;
  live: LiveBoard;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;
const VIEW_CACHE = 8;
const PREFETCH = 2;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const live = new LiveBoard();
  const views = new Map<string, Promise<RunView | null>>();
  const view = (id: string): Promise<RunView | null> => {
    let v = views.get(id);
    if (!v) {
      v = options.store.getRun(id).then((r) => (r ? runView(r, options) : null));
      v.catch(() => views.delete(id));
      views.set(id, v);
      while (views.size > VIEW_CACHE) views.delete(views.keys().next().value!);
    }
    return v;
  };
  // A store that another process writes says when it changed: cached views may be stale then.
  let version: string | undefined;
  const checkVersion = async () => {
    const v = await options.store.version?.();
    if (v !== version) views.clear();
    version = v;
  };
  const mustView = async (id: string) => {
    await checkVersion();
    const v = await view(id);
    if (!v) {
      views.delete(id);
      throw new HttpError(404, `run '${id}' is not in the store (${options.store.location})`);
    }
    return v;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) return send(res, 200, 'text/html; charset=utf-8', pageHtml());
    if (req.method === 'GET' && path === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', await appBundle());
    if (path === '/favicon.ico') return send(res, 204, 'text/plain', '');
    if (req.method === 'GET' && isNotebookPath(path)) {
      const a = await notebookFile(options.notebooksDir ?? NOTEBOOKS_DIST, path);
      if (a.kind === 'redirect') return void res.writeHead(302, { location: a.location }).end();
      if (a.kind === 'missing') return send(res, a.status, a.type, a.body);
      res.writeHead(200, { 'content-type': a.type, 'cache-control': 'no-store' }).end(a.body);
      return;
    }
    if (req.method === 'GET' && path === '/api/runs') {
      await checkVersion();
      const runs = await options.store.listRuns();
      // The next click is most likely one of the newest runs: start loading their views now, in
      // the background, so the run page does not wait for the store (errors surface on the click).
      for (const r of runs.slice(0, PREFETCH)) view(r.runId).catch(() => {});
      return json(res, 200, { store: options.store.location, runs, live: live.list().map(({ runId, scenario, simDay, durationDays, state }) => ({ runId, scenario, simDay, durationDays, state })) });
    }
    if (req.method === 'GET' && path.startsWith('/api/runs/')) return json(res, 200, await mustView(decodeURIComponent(path.slice('/api/runs/'.length))));
    if (req.method === 'GET' && path === '/api/compare') {
      const a = url.searchParams.get('a');
      const b = url.searchParams.get('b');
      if (!a || !b) throw new HttpError(400, 'compare needs two runs: /api/compare?a=<run id>&b=<run id>');
      return json(res, 200, { a: await mustView(a), b: await mustView(b) });
    }
    if (req.method === 'GET' && path === '/api/sweeps') return json(res, 200, { store: options.store.location, sweeps: await options.store.listSweeps() });
    if (req.method === 'GET' && path.startsWith('/api/sweeps/')) {
      const id = decodeURIComponent(path.slice('/api/sweeps/'.length));
      const sweep = await options.store.getSweep(id);
      if (!sweep) throw new HttpError(404, `sweep '${id}' is not in the store (${options.store.location}); sweeps are stored by 'keytwin sweep' and 'keytwin run --replications'`);
      return json(res, 200, sweepView(sweep));
    }
    if (path === '/api/live' && req.method === 'POST') {
      const snapshot = parseLiveSnapshot(await readJson(req));
      live.put(snapshot);
      // A finished run may now be in the store: forget any cached "not found".
      if (snapshot.state !== 'running') views.delete(snapshot.runId);
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && path === '/api/live') return json(res, 200, { runs: live.list() });
    if (req.method === 'GET' && path.startsWith('/api/live/')) {
      const id = decodeURIComponent(path.slice('/api/live/'.length));
      const s = live.get(id);
      if (!s) throw new HttpError(404, `no live run '${id}' (a running simulation must POST its progress to /api/live)`);
      return json(res, 200, { ...s, history: live.history(id) });
    }
    throw new HttpError(404, `no such ${path.startsWith('/api/') ? 'endpoint' : 'page'}: ${req.method} ${path}`);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : err instanceof LiveSnapshotError ? 400 : err instanceof StoreLockedError ? 503 : err instanceof SweepDocumentError ? 422 : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (status === 500) process.stderr.write(`keytwin dashboard: ${req.method} ${req.url}: ${err instanceof Error ? err.stack : message}\n`);
      if (!res.headersSent) json(res, status, { error: message });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    port,
    live,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
}

function json(res: ServerResponse, status: number, body: unknown) {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new HttpError(400, `body is not valid JSON (${(err as Error).message})`);
  }
}

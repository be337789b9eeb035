/**
 * The open-loop HTTP/1.1 load runner behind `keytwin load` and bench/load.bench.ts. Requests are
 * sent at their scheduled wall-clock times whatever the service does (open loop: a slow service
 * does not slow the arrivals), over a pool of keep-alive TCP connections, as pre-serialised
 * bytes, with a small response parser (status line, Content-Length or chunked body): node:http's
 * client costs several times more CPU per request, and the generator must not be the bottleneck.
 * Latency is measured from the request's scheduled time, so time spent waiting for a free
 * connection counts (no coordinated omission); how late requests left is reported separately.
 * Every request ends as exactly one response or one error: sent = received + errors.
 * @module
 */
import { connect, type Socket } from 'node:net';
import { Tally } from '../../sim/engine/index.ts';

export interface LoadPlan {
  count: number;
  /** Scheduled offset of request i from the start, ms (ascending). */
  atMs(i: number): number;
  /** Request i as bytes on the wire (see serializeRequest). */
  bytes(i: number): Uint8Array;
  /** Group of request i (an endpoint), an index into `kinds`. */
  kind(i: number): number;
  kinds: readonly string[];
}

export interface LoadOptions {
  host: string;
  port: number;
  /** Connections to open at most. */
  connections: number;
  /** Time compression: offsets are divided by this. */
  speed: number;
  /** A request without a response after this long fails (its connection is closed). */
  timeoutMs: number;
  /** Wall clock in ms (performance.now); injected so the runner holds no hidden time source. */
  now: () => number;
  onProgress?: (s: LoadStats) => void;
}

export interface KindStats {
  kind: string;
  sent: number;
  received: number;
  errors: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  latencyMs: Tally;
}

export interface LoadStats {
  sent: number;
  received: number;
  errors: number;
  inFlight: number;
  byStatus: Record<string, number>;
  errorsByCode: Record<string, number>;
  byKind: KindStats[];
  latencyMs: Tally;
  /** How late requests left relative to their schedule, ms. */
  lateMs: Tally;
  wallMs: number;
  /** Scheduled duration (last offset / speed), ms. */
  scheduledMs: number;
}

/** HTTP/1.1 request bytes with Host, Content-Length and keep-alive. */
export function serializeRequest(host: string, method: string, path: string, headers: Readonly<Record<string, string>>, body: Uint8Array | null): Uint8Array {
  let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  if (body !== null) head += `Content-Length: ${body.length}\r\n`;
  head += '\r\n';
  const h = Buffer.from(head, 'latin1');
  return body === null ? h : Buffer.concat([h, body]);
}

const CRLF2 = Buffer.from('\r\n\r\n');

/** One keep-alive connection: a FIFO of requests in flight and an incremental response parser. */
class Conn {
  socket: Socket;
  readonly inflight: number[] = [];
  readonly sentAt: number[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private need = -1; // body bytes still expected for the current response, −1 = reading headers
  private chunked = false;
  private status = 0;
  alive = true;

  constructor(socket: Socket, onResponse: (c: Conn, status: number) => void) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      for (;;) {
        const status = this.parse();
        if (status === 0) break;
        onResponse(this, status);
      }
    });
  }

  /** Parses one complete response off the buffer; returns its status, or 0 if incomplete. */
  private parse(): number {
    if (this.need < 0) {
      const end = this.buf.indexOf(CRLF2);
      if (end < 0) return 0;
      const head = this.buf.toString('latin1', 0, end);
      this.status = Number(head.slice(9, 12));
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      this.chunked = !cl && /\r\ntransfer-encoding:\s*chunked/i.test(head);
      this.need = cl ? Number(cl[1]) : 0;
      this.buf = this.buf.subarray(end + 4);
    }
    if (this.chunked) {
      // Skip chunks until the terminating zero-size chunk (and its trailer CRLF).
      for (;;) {
        const eol = this.buf.indexOf('\r\n');
        if (eol < 0) return 0;
        const size = parseInt(this.buf.toString('latin1', 0, eol), 16);
        if (size === 0) {
          const end = this.buf.indexOf(CRLF2, eol - 2 < 0 ? 0 : eol - 2);
          if (end < 0) return 0;
          this.buf = this.buf.subarray(end + 4);
          break;
        }
        if (this.buf.length < eol + 2 + size + 2) return 0;
        this.buf = this.buf.subarray(eol + 2 + size + 2);
      }
    } else {
      if (this.buf.length < this.need) return 0;
      this.buf = this.buf.subarray(this.need);
    }
    this.need = -1;
    this.chunked = false;
    return this.status;
  }
}

/** Runs the plan against host:port and resolves when every request has a response or an error. */
export function runLoad(plan: LoadPlan, o: LoadOptions): Promise<LoadStats> {
  if (!(o.speed > 0)) throw new RangeError(`runLoad: speed must be > 0, got ${o.speed}`);
  if (!(Number.isInteger(o.connections) && o.connections >= 1)) throw new RangeError(`runLoad: connections must be an integer >= 1, got ${o.connections}`);
  const stats: LoadStats = {
    sent: 0, received: 0, errors: 0, inFlight: 0, byStatus: {}, errorsByCode: {},
    byKind: plan.kinds.map((kind) => ({ kind, sent: 0, received: 0, errors: 0, non2xx: 0, latencyMs: new Tally() })),
    latencyMs: new Tally(), lateMs: new Tally(), wallMs: 0,
    scheduledMs: plan.count > 0 ? plan.atMs(plan.count - 1) / o.speed : 0,
  };
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  let opening = 0;
  const backlog: number[] = [];
  let backlogHead = 0;
  let next = 0;
  const t0 = o.now();
  const due = (i: number) => t0 + plan.atMs(i) / o.speed;

  return new Promise<LoadStats>((resolve) => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let immediate: ReturnType<typeof setImmediate> | null = null;
    let lastProgress = t0;
    const finishIfDone = (): boolean => {
      if (next < plan.count || stats.inFlight > 0 || backlogHead < backlog.length) return false;
      for (const c of all) c.socket.destroy();
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      clearInterval(sweeper);
      stats.wallMs = o.now() - t0;
      o.onProgress?.(stats);
      resolve(stats);
      return true;
    };
    const fail = (i: number, code: string) => {
      stats.errors++;
      stats.inFlight--;
      stats.byKind[plan.kind(i)]!.errors++;
      stats.errorsByCode[code] = (stats.errorsByCode[code] ?? 0) + 1;
    };
    const onResponse = (c: Conn, status: number) => {
      const i = c.inflight.shift();
      c.sentAt.shift();
      if (i === undefined) return; // a response nobody asked for: ignore
      const now = o.now();
      const lat = now - due(i);
      stats.received++;
      stats.inFlight--;
      const k = stats.byKind[plan.kind(i)]!;
      k.received++;
      if (status < 200 || status > 299) k.non2xx++;
      k.latencyMs.add(Math.max(0, lat));
      stats.latencyMs.add(Math.max(0, lat));
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      release(c);
    };
    const send = (c: Conn, i: number) => {
      const now = o.now();
      stats.lateMs.add(Math.max(0, now - due(i)));
      stats.sent++;
      stats.inFlight++;
      stats.byKind[plan.kind(i)]!.sent++;
      c.inflight.push(i);
      c.sentAt.push(now);
      c.socket.write(plan.bytes(i));
    };
    const release = (c: Conn) => {
      if (!c.alive) return;
      if (backlogHead < backlog.length) send(c, backlog[backlogHead++]!);
      else idle.push(c);
      if (!finishIfDone()) pump();
    };
    const open = () => {
      opening++;
      const socket = connect({ host: o.host, port: o.port });
      const c = new Conn(socket, onResponse);
      let connected = false;
      socket.once('connect', () => {
        connected = true;
        opening--;
        all.add(c);
        release(c);
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (!connected) {
          opening--;
          // No connection at all: the oldest waiting request fails, so a dead target ends the run.
          if (backlogHead < backlog.length) {
            const i = backlog[backlogHead++]!;
            stats.sent++;
            stats.inFlight++;
            stats.byKind[plan.kind(i)]!.sent++;
            fail(i, err.code ?? 'connect');
          }
        }
        c.socket.destroy();
      });
      socket.on('close', () => {
        c.alive = false;
        all.delete(c);
        const k = idle.indexOf(c);
        if (k >= 0) idle.splice(k, 1);
        for (const i of c.inflight) fail(i, 'closed');
        c.inflight.length = 0;
        c.sentAt.length = 0;
        if (!finishIfDone()) pump();
      });
    };
    const pump = () => {
      if (timer) clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
      timer = null;
      immediate = null;
      const now = o.now();
      while (next < plan.count && due(next) <= now) backlog.push(next++);
      while (backlogHead < backlog.length && idle.length > 0) send(idle.pop()!, backlog[backlogHead++]!);
      if (backlogHead > 4096 && backlogHead * 2 > backlog.length) {
        backlog.splice(0, backlogHead);
        backlogHead = 0;
      }
      const waiting = backlog.length - backlogHead;
      while (waiting > opening && all.size + opening < o.connections) open();
      if (o.onProgress && now - lastProgress >= 1000) {
        lastProgress = now;
        stats.wallMs = now - t0;
        o.onProgress(stats);
      }
      if (next < plan.count) {
        const wait = due(next) - o.now();
        if (wait <= 1) immediate = setImmediate(pump);
        else timer = setTimeout(pump, Math.min(wait - 1, 250));
      } else if (finishIfDone()) return;
    };
    const sweeper = setInterval(() => {
      const now = o.now();
      for (const c of all) if (c.sentAt.length > 0 && now - c.sentAt[0]! > o.timeoutMs) {
        // Mark the timed-out requests first so 'close' reports the others as closed.
        const i = c.inflight.shift()!;
        c.sentAt.shift();
        fail(i, 'timeout');
        c.socket.destroy();
      }
    }, Math.min(250, o.timeoutMs));
    pump();
  });
}

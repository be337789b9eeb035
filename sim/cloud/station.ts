/**
 * One cloud station: c identical servers, a FIFO waiting room with an optional limit, and an
 * optional token-bucket rate limiter in front (a request finding no token is rejected with 429,
 * one finding the waiting room full with 503). State is a few numbers and two growable ring
 * buffers (arrival time and service time of each waiting request), because an OTA herd queues
 * tens of thousands of requests at once. The station measures itself per period (an hour):
 * time-weighted busy servers and queue length, waits, latencies (a Tally sketch), rejections.
 * @module
 */
import { Tally } from '../engine/index.ts';

/** What one period (an hour) of a station looked like. */
export interface PeriodStats {
  requests: number;
  served: number;
  rateLimited: number;
  queueFull: number;
  /** Sum of waits of requests that started service in the period, ms. */
  waitSumMs: number;
  /** Requests that started service after waiting (all servers were busy when they arrived). */
  waited: number;
  /** Integral of busy servers over the period, server·ms. */
  busyMs: number;
  /** Integral of the queue length over the period, request·ms. */
  queueMs: number;
  maxQueue: number;
  /** Latency (wait + service) of requests that started service in the period. */
  latency: Tally;
}

export function emptyPeriod(): PeriodStats {
  return { requests: 0, served: 0, rateLimited: 0, queueFull: 0, waitSumMs: 0, waited: 0, busyMs: 0, queueMs: 0, maxQueue: 0, latency: new Tally() };
}

export class Station {
  readonly servers: number;
  readonly queueLimit: number;
  private readonly rate: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt = 0;
  busy = 0;
  private arrivals = new Float64Array(1024);
  private services = new Float64Array(1024);
  private head = 0;
  /** Requests waiting. */
  queued = 0;
  private changedAt = 0;
  period: PeriodStats = emptyPeriod();

  /**
   * @param rateLimitPerS tokens per second, or null for no limiter
   * @param rateBurst bucket size (defaults to one second of rate, at least 1)
   */
  constructor(servers: number, queueLimit: number | null, rateLimitPerS: number | null, rateBurst: number | null) {
    this.servers = servers;
    this.queueLimit = queueLimit ?? Infinity;
    this.rate = rateLimitPerS === null ? Infinity : rateLimitPerS / 1000;
    this.burst = rateLimitPerS === null ? Infinity : Math.max(1, rateBurst ?? rateLimitPerS);
    this.tokens = this.burst;
  }

  /** Brings the time-weighted integrals up to `now`. */
  private integrate(now: number): void {
    const dt = now - this.changedAt;
    if (dt > 0) {
      this.period.busyMs += this.busy * dt;
      this.period.queueMs += this.queued * dt;
      this.changedAt = now;
    }
  }

  /**
   * A request arrives at `now` needing `serviceMs`.
   * @returns the delay until its departure if it starts service now, −1 if it queues, −2 if
   *   rate-limited, −3 if the waiting room is full
   */
  arrive(now: number, serviceMs: number): number {
    this.integrate(now);
    this.period.requests++;
    if (this.rate !== Infinity) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.rate);
      this.refilledAt = now;
      if (this.tokens < 1) {
        this.period.rateLimited++;
        return -2;
      }
      this.tokens -= 1;
    }
    if (this.busy < this.servers) {
      this.busy++;
      this.start(0, serviceMs);
      return serviceMs;
    }
    if (this.queued >= this.queueLimit) {
      this.period.queueFull++;
      return -3;
    }
    this.push(now, serviceMs);
    if (this.queued > this.period.maxQueue) this.period.maxQueue = this.queued;
    return -1;
  }

  /**
   * A server finishes at `now`.
   * @returns the service time of the next request it takes from the queue, or −1 if it goes idle
   */
  depart(now: number): number {
    this.integrate(now);
    if (this.queued === 0) {
      this.busy--;
      return -1;
    }
    const cap = this.arrivals.length;
    const arrivedAt = this.arrivals[this.head]!;
    const serviceMs = this.services[this.head]!;
    this.head = (this.head + 1) % cap;
    this.queued--;
    this.start(now - arrivedAt, serviceMs);
    return serviceMs;
  }

  /** Closes the period at `now` and starts a new one; the queue carries over. */
  closePeriod(now: number): PeriodStats {
    this.integrate(now);
    const p = this.period;
    this.period = emptyPeriod();
    this.period.maxQueue = this.queued;
    return p;
  }

  private start(waitMs: number, serviceMs: number): void {
    const p = this.period;
    p.served++;
    p.waitSumMs += waitMs;
    if (waitMs > 0) p.waited++;
    p.latency.add(waitMs + serviceMs);
  }

  private push(now: number, serviceMs: number): void {
    let cap = this.arrivals.length;
    if (this.queued === cap) {
      const a = new Float64Array(cap * 2);
      const s = new Float64Array(cap * 2);
      for (let i = 0; i < cap; i++) {
        a[i] = this.arrivals[(this.head + i) % cap]!;
        s[i] = this.services[(this.head + i) % cap]!;
      }
      this.arrivals = a;
      this.services = s;
      this.head = 0;
      cap *= 2;
    }
    const tail = (this.head + this.queued) % cap;
    this.arrivals[tail] = now;
    this.services[tail] = serviceMs;
    this.queued++;
  }
}

/**
 * `fn` over `items` with at most `limit` calls in flight, results in the items' order whatever
 * order they finish in. The runs of a sweep go through a thread pool (sim/twin/fleet-pool.ts):
 * enough runs in flight keep every thread busy, and no more, so a sweep of large runs does not
 * hold every run's partial results at once.
 * @module
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}

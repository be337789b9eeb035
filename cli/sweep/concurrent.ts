/**
 * `fn` over `items` with at most `limit` calls in flight, results in the items' order whatever
 * order they finish in. The runs of a sweep go to a thread pool or NATS workers (executor.ts):
 * enough runs in flight keep them busy, and no more, so a sweep of large runs does not
 * hold every run's partial results at once.
 * @module
 */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    // After a failure no lane starts another item: the caller has its error and stops.
    while (next < items.length && !failed) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return out;
}

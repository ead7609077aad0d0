/**
 * Runs `work` over every item, at most `concurrency` at a time (as Lambda would run events), and
 * returns the results in the items' order; `onDone` hears of each as it ends.
 *
 * @example
 * ```ts
 * const sizes = await mapConcurrently(files, 4, (f) => stat(f).then((s) => s.size));
 * ```
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
  onDone?: (result: R, done: number, total: number) => void,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const result = await work(items[index]!);
      results[index] = result;
      onDone?.(result, ++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

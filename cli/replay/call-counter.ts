import type { Pluggable } from '@smithy/types';

/** Counts SDK calls per `service:Api` (every attempt, retries included). */
export class CallCounter {
  readonly counts = new Map<string, number>();

  /** A middleware plugin, added to every client, inside the retry loop so retries count. */
  // biome-ignore lint/suspicious/noExplicitAny: applies to clients of every service
  plugin(): Pluggable<any, any> {
    return {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => async (args) => {
            const service = String((context as { clientName?: string }).clientName ?? 'aws')
              .replace(/Client$/, '')
              .toLowerCase();
            const key = `${service}:${String((context as { commandName?: string }).commandName ?? 'Unknown').replace(/Command$/, '')}`;
            this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
            return next(args);
          },
          { step: 'finalizeRequest', priority: 'low', name: 'airlockCallCounter', override: true },
        );
      },
    };
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}

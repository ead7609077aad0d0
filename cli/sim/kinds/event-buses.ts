import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import { defineKind, regionSlot, type SimInput } from '../kind.js';

/**
 * EventBridge buses and the events published on them (`PutEvents`), kept as EventBridge delivers
 * them to a rule's target: what a subscriber (the import-findings function, a SIEM) would receive.
 */

const BUS_NAME = /^[\w.-]{1,256}$/;
/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES = 10;

const deliveredSchema = z
  .object({
    version: z.literal('0'),
    id: z.string(),
    'detail-type': z.string(),
    source: z.string(),
    account: z.string(),
    time: z.string(),
    region: z.string(),
    resources: z.array(z.string()),
    detail: z.record(z.string(), z.unknown()),
    /** The bus it was published on (not part of the delivered event: where it was kept). */
    eventBusName: z.string(),
  })
  .strict();

export type SimPublishedEvent = z.output<typeof deliveredSchema>;

const slot = regionSlot({
  /** The custom buses of the region (`default` always exists). */
  eventBuses: z.array(z.string().regex(BUS_NAME, 'expected an event bus name')).default(() => []),
  publishedEvents: z.array(deliveredSchema).default(() => []),
});

/** `arn:aws:events:…:event-bus/name` or `name` -> `name`. */
const busNameOf = (nameOrArn: unknown) =>
  String(nameOrArn ?? 'default')
    .split('event-bus/')
    .pop()!;

type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

function publishOne(ctx: SimCallContext, entry: SimInput): EntryResult {
  const bus = busNameOf(entry.EventBusName);
  if (bus !== 'default' && !slot.in(ctx).eventBuses.includes(bus)) {
    return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
  }
  if (!entry.Source || !entry.DetailType || entry.Detail === undefined) {
    return {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
    };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(String(entry.Detail));
  } catch {
    detail = undefined;
  }
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const id = ctx.newUuid();
  const time = entry.Time ? new Date(entry.Time) : new Date(ctx.now);
  slot.in(ctx, true).publishedEvents.push({
    version: '0',
    id,
    'detail-type': String(entry.DetailType),
    source: String(entry.Source),
    account: ctx.account,
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ctx.region,
    resources: ((entry.Resources ?? []) as unknown[]).map(String),
    detail: detail as Record<string, unknown>,
    eventBusName: bus,
  });
  return { EventId: id };
}

function putEvents(ctx: SimCallContext, input: SimInput) {
  const entries = (input.Entries ?? []) as SimInput[];
  if (entries.length === 0 || entries.length > MAX_ENTRIES) {
    throw new SimApiError(
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
    );
  }
  const results = entries.map((e) => publishOne(ctx, e));
  return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
}

/**
 * The events a region's buses hold, as EventBridge delivers them (the `eventBusName` where each was
 * kept left out), optionally of one bus.
 *
 * @example
 * ```ts
 * deliveredEvents(state.accounts['111122223333']!.regions['eu-west-2']!, 'airlock-audit');
 * ```
 */
export function deliveredEvents(region: Record<string, unknown>, bus?: string): Record<string, unknown>[] {
  const kept = (region.publishedEvents ?? []) as SimPublishedEvent[];
  return kept
    .filter((e) => bus === undefined || e.eventBusName === bus)
    .map(({ eventBusName: _bus, ...event }) => event);
}

/** A custom bus in the region it is placed in. */
export function eventBus(name: string) {
  return slot.fragment((view) => {
    if (!view.eventBuses.includes(name)) view.eventBuses.push(name);
  });
}

/** The EventBridge kind: the region's buses, and what PutEvents published on them. */
export const eventBuses = defineKind('event buses', slot, {
  apis: { events: { PutEvents: putEvents } },
  resourceId: (_api, input) => busNameOf((input.Entries as SimInput[] | undefined)?.[0]?.EventBusName),
  summarize: (view) => [
    ...view.eventBuses.map((name) => {
      const count = view.publishedEvents.filter((e) => e.eventBusName === name).length;
      return { kind: 'event bus', id: name, detail: `${count} event(s) published` };
    }),
  ],
  sample: () => [eventBus('airlock-audit')],
  check: (placed) => {
    for (const { path, view } of placed) {
      const stray = view.publishedEvents.find(
        (e) => e.eventBusName !== 'default' && !view.eventBuses.includes(e.eventBusName),
      );
      if (stray)
        return `${path}: event ${stray.id} was kept on bus ${stray.eventBusName}, which it does not list`;
    }
    return undefined;
  },
});

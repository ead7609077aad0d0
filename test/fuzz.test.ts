import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMEDIATIONS } from '../functions/registry.js';
import type { AuditRecord } from '../shared/audit-record.js';
import {
  checkReport,
  HOSTILE_STRINGS,
  HostileHarness,
  hostileInput,
  invalidIdString,
  validEvents,
} from './helpers/hostile.js';

describe('Function: the pipeline under hostile input', () => {
  let harness: HostileHarness;
  beforeAll(async () => {
    harness = await HostileHarness.create();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('ends every input in a clean outcome with a safe key and log line, for every remediation', async () => {
    // Prepare
    const seen: AuditRecord[] = [];
    const property = fc.asyncProperty(
      hostileInput(),
      fc.constantFrom(...REMEDIATIONS),
      async (input, rem) => {
        // Act
        const report = await harness.run(input, rem);
        seen.push(...report.records);
      },
    );

    // Assess: harness.run throws on an uncaught exception, calls when REJECTED, an unsafe key or log line
    await fc.assert(property, { numRuns: 1000, seed: 20261122 });
    expect(seen.length).toBe(1000);
    expect(checkReport(seen)).toBeUndefined();
  });

  it('rejects a hostile resource id with zero AWS calls, for every remediation', async () => {
    // Prepare
    const bases = validEvents() as { detail: { resourceId: string } }[];
    const records: AuditRecord[] = [];
    const property = fc.asyncProperty(
      fc.integer({ min: 0, max: REMEDIATIONS.length - 1 }),
      invalidIdString,
      async (i, id) => {
        const event = structuredClone(bases[i]!);
        event.detail.resourceId = id;
        // Act
        const report = await harness.run(event, REMEDIATIONS[i]!);
        records.push(...report.records);
        // Assess: a hostile id is never valid; nothing is read
        expect(report.outcome).toBe('REJECTED');
        expect(report.calls).toBe(0);
      },
    );
    await fc.assert(property, { numRuns: 600, seed: 7 });
    expect(checkReport(records)).toBeUndefined();
  });

  it('escapes every known attack string in the HTML report', async () => {
    // Prepare: one rejected record per attack string and remediation
    const records: AuditRecord[] = [];
    const bases = validEvents() as { id: string; detail: { resourceId: string; configRuleName: string } }[];
    for (const [i, rem] of REMEDIATIONS.entries()) {
      for (const s of HOSTILE_STRINGS) {
        const event = structuredClone(bases[i]!);
        event.detail.resourceId = s;
        event.id = s;
        event.detail.configRuleName = s;
        records.push(...(await harness.run(event, rem)).records);
      }
    }

    // Act
    const problem = checkReport(records);

    // Assess
    expect(records.length).toBe(REMEDIATIONS.length * HOSTILE_STRINGS.length);
    expect(problem).toBeUndefined();
  });

  it('accepts the valid events it mutates (the harness can see a non-rejected outcome)', async () => {
    // Prepare
    const outcomes: string[] = [];

    // Act
    for (const [i, event] of validEvents().entries()) {
      outcomes.push((await harness.run(event, REMEDIATIONS[i]!)).outcome);
    }

    // Assess: the resources do not exist in the empty account: read, gone, NOOP
    expect(outcomes).toEqual(REMEDIATIONS.map(() => 'NOOP'));
  });
});

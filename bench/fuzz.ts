import fc from 'fast-check';
import { REMEDIATIONS } from '../functions/registry.js';
import type { AuditRecord } from '../shared/audit-record.js';
import { checkReport, HostileHarness, hostileInput } from '../test/helpers/hostile.js';

export interface FuzzResult {
  readonly cases: number;
  readonly wallMs: number;
  readonly outcomes: Record<string, number>;
  readonly failures: readonly string[];
}

/**
 * `cases` hostile inputs (arbitrary JSON, real events, mutations of valid and real events, huge and
 * deep payloads, hostile strings in every field) through the pipeline of every remediation, with the
 * checks of test/fuzz.test.ts; the HTML report rendered from every 5,000 records.
 */
export async function runFuzz(cases: number, seed = 20261122): Promise<FuzzResult> {
  const harness = await HostileHarness.create();
  const outcomes: Record<string, number> = {};
  const failures: string[] = [];
  let batch: AuditRecord[] = [];
  const started = performance.now();
  try {
    const samples = fc.sample(fc.tuple(hostileInput(), fc.constantFrom(...REMEDIATIONS)), {
      numRuns: cases,
      seed,
    });
    for (const [input, rem] of samples) {
      try {
        const report = await harness.run(input, rem);
        outcomes[report.outcome] = (outcomes[report.outcome] ?? 0) + 1;
        batch.push(...report.records);
      } catch (error) {
        failures.push(`${rem.id}: ${(error as Error).message}`);
      }
      if (batch.length >= 5000) {
        const problem = checkReport(batch);
        if (problem) failures.push(problem);
        batch = [];
      }
    }
    const problem = batch.length ? checkReport(batch) : undefined;
    if (problem) failures.push(problem);
  } finally {
    await harness.close();
  }
  return { cases, wallMs: performance.now() - started, outcomes, failures };
}

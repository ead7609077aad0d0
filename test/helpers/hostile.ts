import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { renderReportHtml } from '../../cli/audit/report-html.js';
import { computeReportStats } from '../../cli/audit/report-stats.js';
import { SimulatedCloud } from '../../cli/sim/index.js';
import { REMEDIATIONS } from '../../functions/registry.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { recordKey } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { AuditWriteError, RemediationFailedError } from '../../shared/errors.js';
import { runPipeline } from '../../shared/pipeline.js';
import type { AnyRemediation } from '../../shared/remediation.js';
import { complianceEvent } from './events.js';
import { REAL_WORLD } from './fixtures.js';

/** Strings an attacker (or a broken producer) may put in any field of an event. */
export const HOSTILE_STRINGS: readonly string[] = [
  '../../../etc/passwd',
  '..\\..\\windows\\system32',
  'sg-0123456789abcdef0/../../audit',
  'sg-0123456789abcdef0\u0000',
  '%2e%2e%2f%2e%2e%2f',
  '$(curl http://169.254.169.254/latest/meta-data/)',
  '`id`; rm -rf / #',
  '| cat /etc/shadow && echo',
  "'; DROP TABLE audit; --",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(document.domain)>',
  '</style><svg onload=alert(1)>',
  'line one\nline two\r\n{"level":"ERROR","message":"forged"}',
  '\u001b[31mred\u001b[0m\u0007\u0008',
  '\u202egnp.exe\u200b\ufeff',
  'ＳＧ－０１２３',
  '🙂𝕏ﬀ\ud800',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, on purpose
  '{{7*7}}${7*7}#{7*7}',
  'A'.repeat(5000),
  '',
  ' ',
];

/** Fragments that must never appear raw in the HTML report (only escaped). */
const HTML_MARKERS = ['<script', '<img', '<svg onload', '</style><svg'];

/** A hostile string: a known attack, random binary or grapheme text, or a valid id with an attack appended. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  fc
    .tuple(
      fc.constantFrom('sg-0123456789abcdef0', 'rtb-0123456789abcdef0', 'payments', 'my-bucket'),
      fc.constantFrom(...HOSTILE_STRINGS),
    )
    .map(([a, b]) => `${a}${b}`),
);

/** A string that is no resource id of any kind: an attack, or random text with a forbidden character in it. */
export const invalidIdString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc
    .tuple(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom(
        '/',
        '\\',
        '$',
        '`',
        ';',
        '|',
        '<',
        '>',
        '"',
        "'",
        ' ',
        '\n',
        '\u0000',
        '\u202e',
        '*',
        '%',
      ),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    )
    .map(([a, b, c]) => `${a}${b}${c}`),
  fc
    .tuple(
      fc.constantFrom('sg-0123456789abcdef0', 'rtb-0123456789abcdef0', 'payments', 'my-bucket'),
      fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.trim() !== '' && !/^A+$/.test(s))),
    )
    .map(([a, b]) => `${a}${b}`),
);

/** A value of any JSON type, hostile strings included. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, 0, -1, 1e308, Number.NaN, true, [], {}) },
);

/** Real events from the provided fixtures (SNS/SQS-wrapped, other detail types, other resources). */
export function realEvents(): unknown[] {
  const root = join(REAL_WORLD, 'events');
  const out: unknown[] = [];
  for (const folder of readdirSync(root)) {
    if (!statSync(join(root, folder)).isDirectory()) continue;
    for (const f of readdirSync(join(root, folder)).filter((x) => x.endsWith('.json'))) {
      out.push(JSON.parse(readFileSync(join(root, folder, f), 'utf8')));
    }
  }
  return out;
}

/** A valid event for every remediation (the base of mutations). */
export function validEvents(): unknown[] {
  return REMEDIATIONS.map((r) =>
    complianceEvent({
      resourceType: r.resourceType,
      resourceId: r.resourceKind.example,
      rule: r.configRuleNames[0] ?? 'rule',
    }),
  );
}

const PATHS = [
  ['id'],
  ['account'],
  ['region'],
  ['source'],
  ['detail-type'],
  ['time'],
  ['detail'],
  ['detail', 'resourceId'],
  ['detail', 'resourceType'],
  ['detail', 'configRuleName'],
  ['detail', 'awsAccountId'],
  ['detail', 'awsRegion'],
  ['detail', 'newEvaluationResult'],
  ['detail', 'newEvaluationResult', 'complianceType'],
  ['detail', 'newEvaluationResult', 'annotation'],
  ['detail', 'newEvaluationResult', 'evaluationResultIdentifier', 'orderingTimestamp'],
  ['detail', 'newEvaluationResult', 'evaluationResultIdentifier', 'evaluationResultQualifier', 'resourceId'],
  [
    'detail',
    'newEvaluationResult',
    'evaluationResultIdentifier',
    'evaluationResultQualifier',
    'resourceType',
  ],
  [
    'detail',
    'newEvaluationResult',
    'evaluationResultIdentifier',
    'evaluationResultQualifier',
    'configRuleName',
  ],
] as const;

function setPath(target: unknown, path: readonly string[], value: unknown, remove: boolean): unknown {
  // copies only along the path (a deep payload elsewhere is shared, never walked)
  if (!target || typeof target !== 'object' || Array.isArray(target)) return target;
  const [key, ...rest] = path;
  const copy = { ...(target as Record<string, unknown>) };
  if (rest.length === 0) {
    if (remove) delete copy[key!];
    else copy[key!] = value;
    return copy;
  }
  const next = copy[key!];
  if (!next || typeof next !== 'object') return copy;
  copy[key!] = setPath(next, rest, value, remove);
  return copy;
}

function nested(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** An event mutated at 1 to 3 paths: a hostile value, a removed key, or a deep / huge payload. */
export function mutatedEvent(bases: readonly unknown[]): fc.Arbitrary<unknown> {
  const mutation = fc.record({
    path: fc.constantFrom(...PATHS),
    value: fc.oneof(
      { weight: 8, arbitrary: hostileValue },
      { weight: 1, arbitrary: fc.constantFrom(nested(3000), 'x'.repeat(1_000_000)) },
    ),
    remove: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  });
  return fc
    .tuple(fc.constantFrom(...bases), fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([base, ms]) => ms.reduce((e, m) => setPath(e, m.path, m.value, m.remove), base));
}

/** Any input: arbitrary JSON, a real event, a mutated valid or real event, a huge or deep payload. */
export function hostileInput(): fc.Arbitrary<unknown> {
  const valid = validEvents();
  const real = realEvents();
  return fc.oneof(
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    { weight: 1, arbitrary: fc.constantFrom(...real) },
    { weight: 6, arbitrary: mutatedEvent(valid) },
    { weight: 2, arbitrary: mutatedEvent(real) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(nested(5000), { detail: nested(5000) }, ['x'.repeat(2_000_000)]),
    },
  );
}

/** What one input did. */
export interface CaseReport {
  readonly outcome: string;
  readonly calls: number;
  readonly records: readonly AuditRecord[];
  readonly logLines: readonly string[];
}

const KEY =
  /^audit\/dt=\d{4}-\d{2}-\d{2}\/account=[A-Za-z0-9-]{1,64}\/region=[A-Za-z0-9-]{1,64}\/[0-9a-f-]{36}\.json$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find raw control characters
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

/**
 * Runs hostile inputs through the real pipeline on the simulated account (dry-run: nothing is written;
 * no DynamoDB) and checks each: a clean outcome (a result, or a recorded RemediationFailedError),
 * zero AWS calls when REJECTED, exactly one record, a safe S3 key, log lines that are one JSON
 * object each (nothing raw breaks out of them).
 */
export class HostileHarness {
  private readonly records: AuditRecord[] = [];
  private constructor(
    private readonly sim: SimulatedCloud,
    private readonly deps: Map<string, ReturnType<typeof createDeps>>,
  ) {}

  static async create(): Promise<HostileHarness> {
    const sim = await SimulatedCloud.create(undefined, { dynamodb: false });
    const clients = sim.clientFactory();
    const harness = new HostileHarness(sim, new Map());
    const write = process.stdout.write;
    // createDeps warns that no idempotency table is set: expected here, kept off the output
    process.stdout.write = (() => true) as typeof process.stdout.write;
    for (const r of REMEDIATIONS) {
      harness.deps.set(
        r.id,
        createDeps(r.id, {
          env: {},
          clients,
          homeRegion: 'eu-west-2',
          settings: { mode: 'dry-run', allowedAccounts: ['111122223333'] },
          extraSinks: [{ name: 'capture', write: async (rec) => void harness.records.push(rec) }],
          logger: new Logger({ serviceName: r.id, logLevel: 'INFO' }),
        }),
      );
    }
    process.stdout.write = write;
    return harness;
  }

  /** Runs one input through one remediation; returns what it did, or throws a description of the fault. */
  async run(input: unknown, remediation: AnyRemediation): Promise<CaseReport> {
    const deps = this.deps.get(remediation.id)!;
    this.records.length = 0;
    this.sim.resetCalls();
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
    let outcome: string;
    try {
      outcome = (await runPipeline(input, remediation, deps)).outcome;
    } catch (error) {
      if (error instanceof RemediationFailedError) outcome = 'FAILED';
      else if (error instanceof AuditWriteError) throw new Error(`audit write failed: ${error.message}`);
      else throw new Error(`uncaught ${(error as Error)?.name}: ${(error as Error)?.message}`);
    } finally {
      process.stdout.write = write;
    }
    const calls = Object.values(this.sim.calls()).reduce((a, b) => a + b, 0);
    const report: CaseReport = { outcome, calls, records: [...this.records], logLines: lines };
    const problem = checkCase(report);
    if (problem) throw new Error(problem);
    return report;
  }

  async close(): Promise<void> {
    await this.sim.close();
  }
}

/** The invariants of one case, or undefined when it is clean. */
export function checkCase(report: CaseReport): string | undefined {
  if (report.outcome === 'REJECTED' && report.calls !== 0) {
    return `REJECTED after ${report.calls} AWS call(s)`;
  }
  if (report.records.length !== 1) return `${report.records.length} records for one event`;
  const record = report.records[0]!;
  if (record.outcome !== report.outcome) return `record says ${record.outcome}, result ${report.outcome}`;
  const key = recordKey(record);
  if (!KEY.test(key)) return `unsafe S3 key ${JSON.stringify(key)}`;
  const text = report.logLines.join('');
  if (!text.includes('audit record')) return 'no audit log line';
  for (const line of text.split('\n')) {
    if (!line) continue;
    if (RAW_CONTROL.test(line))
      return `raw control character in a log line: ${JSON.stringify(line.slice(0, 200))}`;
    try {
      JSON.parse(line);
    } catch {
      return `a log line is not one JSON object: ${JSON.stringify(line.slice(0, 200))}`;
    }
  }
  return undefined;
}

/** Renders the SOC report from records and returns a problem when a hostile fragment is there unescaped. */
export function checkReport(records: readonly AuditRecord[]): string | undefined {
  const html = renderReportHtml(computeReportStats(records, Date.now(), 1000), { source: 'fuzz' });
  const found = HTML_MARKERS.find((m) => html.includes(m));
  return found ? `the HTML report holds ${JSON.stringify(found)} unescaped` : undefined;
}

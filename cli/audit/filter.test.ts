import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { CliError } from '../errors.js';
import { buildFilter, collectList, filterRecords } from './filter.js';
import { daysBetween, parseTimeFlag } from './time-range.js';

const NOW = Date.parse('2026-11-21T12:00:00Z');

function record(overrides: Partial<AuditRecord>): AuditRecord {
  return {
    schema: 'airlock.audit/v1',
    id: '019a0000-0000-7000-8000-000000000000',
    time: '2026-11-21T10:00:00.000Z',
    startedAt: '2026-11-21T10:00:00.000Z',
    durationMs: 5,
    actor: { type: 'function', name: 'revoke-open-ssh', version: '0.1.0' },
    trigger: 'config',
    event: {},
    rule: 'restricted-ssh',
    remediation: 'revoke-open-ssh',
    account: '111122223333',
    region: 'eu-west-2',
    resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0123456789abcdef0' },
    mode: 'enforce',
    outcome: 'APPLIED',
    reason: 'r',
    steps: [],
    notes: [],
    digest: { algorithm: 'sha256', value: 'x' },
    ...overrides,
  };
}

const RECORDS = [
  record({ id: 'a', time: '2026-11-14T10:00:00.000Z', outcome: 'FAILED' }),
  record({ id: 'b', time: '2026-11-20T13:00:00.000Z', outcome: 'NOOP', region: 'eu-central-1' }),
  record({ id: 'c', time: '2026-11-21T11:50:00.000Z', outcome: 'EXEMPT', account: '444455556666' }),
  record({
    id: 'd',
    time: '2026-11-21T11:00:00.000Z',
    mode: 'dry-run',
    outcome: 'PLANNED',
    rule: 'other-rule',
  }),
  record({
    id: 'e',
    time: '2026-11-21T09:00:00.000Z',
    remediation: 'block-public-s3',
    resource: { id: 'my-bucket' },
  }),
];
const ids = (flags: Parameters<typeof buildFilter>[0]) =>
  filterRecords(RECORDS, buildFilter(flags, NOW)).map((r) => r.id);

describe('Function: parseTimeFlag', () => {
  it('reads durations before now and ISO times', () => {
    // Assess
    expect(parseTimeFlag('--since', '30m', NOW)).toBe(NOW - 30 * 60_000);
    expect(parseTimeFlag('--since', '24h', NOW)).toBe(NOW - 24 * 3_600_000);
    expect(parseTimeFlag('--since', '7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseTimeFlag('--since', '2026-11-20', NOW)).toBe(Date.parse('2026-11-20T00:00:00Z'));
    expect(parseTimeFlag('--until', '2026-11-20T10:00:00+01:00', NOW)).toBe(
      Date.parse('2026-11-20T09:00:00Z'),
    );
  });

  it('rejects anything else as bad input, saying what is accepted', () => {
    // Act
    const error = (() => {
      try {
        parseTimeFlag('--since', 'yesterday', NOW);
      } catch (e) {
        return e as CliError;
      }
    })();

    // Assess
    expect(error).toBeInstanceOf(CliError);
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toMatch(/--since "yesterday" is not a time: give an ISO time .* or a duration/);
  });

  it('lists the UTC days a range covers', () => {
    // Assess
    expect(daysBetween(Date.parse('2026-11-19T23:00:00Z'), Date.parse('2026-11-21T01:00:00Z'))).toEqual([
      '2026-11-19',
      '2026-11-20',
      '2026-11-21',
    ]);
  });
});

describe('Function: filterRecords', () => {
  it('keeps records by time, relative or absolute, oldest first', () => {
    // Assess
    expect(ids({ since: '24h' })).toEqual(['b', 'e', 'd', 'c']);
    expect(ids({ since: '2h' })).toEqual(['d', 'c']);
    expect(ids({ until: '2026-11-20T23:59:59Z' })).toEqual(['a', 'b']);
    expect(ids({ since: '8d', until: '20h' })).toEqual(['a', 'b']);
    expect(ids({ since: '7d', until: '1d' })).toEqual([]);
  });

  it('keeps records by each field, with repeatable flags and comma lists', () => {
    // Assess
    expect(ids({ outcome: collectList('failed,EXEMPT') })).toEqual(['a', 'c']);
    expect(ids({ outcome: collectList('NOOP', collectList('PLANNED')) })).toEqual(['b', 'd']);
    expect(ids({ resource: ['my-bucket'] })).toEqual(['e']);
    expect(ids({ remediation: ['block-public-s3'] })).toEqual(['e']);
    expect(ids({ rule: ['other-rule'] })).toEqual(['d']);
    expect(ids({ account: ['444455556666'] })).toEqual(['c']);
    expect(ids({ region: ['eu-central-1'] })).toEqual(['b']);
    expect(ids({ mode: ['dry-run'] })).toEqual(['d']);
    expect(ids({ mode: ['enforce'], outcome: ['APPLIED'] })).toEqual(['e']);
  });

  it('rejects unknown outcomes, modes, malformed accounts and an inverted range', () => {
    // Assess
    expect(() => buildFilter({ outcome: ['DONE'] }, NOW)).toThrow(
      /--outcome "DONE" is not an outcome: use APPLIED/,
    );
    expect(() => buildFilter({ mode: ['force'] }, NOW)).toThrow(/--mode "force" is not a mode/);
    expect(() => buildFilter({ account: ['1234'] }, NOW)).toThrow(/12-digit/);
    expect(() => buildFilter({ since: '1h', until: '2d' }, NOW)).toThrow(
      /--since \(1h\) is after --until \(2d\)/,
    );
  });
});

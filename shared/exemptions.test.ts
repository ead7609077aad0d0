import { describe, expect, it } from 'vitest';
import { findExemption } from './exemptions.js';

const NOW = Date.parse('2026-11-30T00:00:00.000Z');
const DAY = 86_400_000;
const GROUP = 'sg-0123456789abcdef0';
const TARGET = {
  resourceId: GROUP,
  remediation: 'revoke-open-ssh',
  account: '111122223333',
  region: 'eu-west-2',
};
const at = (days: number) => new Date(NOW + days * DAY).toISOString();

/** A valid register entry for the target, approved yesterday, expiring in a week. */
const entry = (fields: Record<string, unknown> = {}) => ({
  id: 'EX-104',
  resourceId: GROUP,
  remediation: 'revoke-open-ssh',
  account: '111122223333',
  region: 'eu-west-2',
  reason: 'bastion migration CHG-8812',
  approvedBy: 'secops-lead@example.com',
  approvedAt: at(-1),
  expires: at(7),
  ...fields,
});

describe('Function: findExemption', () => {
  it('finds a valid exemption for the resource, with no note', () => {
    // Act
    const match = findExemption([entry()], TARGET, NOW, 90);

    // Assess
    expect(match.exemption).toMatchObject({ id: 'EX-104', expires: at(7) });
    expect(match.notes).toEqual([]);
  });

  it.each([
    ['any remediation by default', { remediation: undefined }],
    ['* for the remediation', { remediation: '*' }],
    ['* for the account, written', { account: '*' }],
    ['* for the region, written', { region: '*' }],
    ['no approval date (measured from now)', { approvedAt: undefined, expires: at(90) }],
    ['exactly the maximum length', { approvedAt: at(-10), expires: at(80) }],
    ['an expiry with an offset', { expires: '2026-12-07T00:00:00+02:00' }],
  ])('accepts an exemption with %s', (_name, fields) => {
    const match = findExemption([entry(fields)], TARGET, NOW, 90);
    expect(match.exemption?.id).toBe('EX-104');
  });

  it.each([
    ['another resource', { resourceId: 'sg-0fedcba9876543210' }],
    ['another remediation', { remediation: 'block-public-s3' }],
    ['another account', { account: '444455556666' }],
    ['another region', { region: 'us-east-1' }],
  ])('ignores, without a note, an entry for %s', (_name, fields) => {
    const match = findExemption([entry(fields)], TARGET, NOW, 90);
    expect(match).toEqual({ notes: [] });
  });

  it('ignores an expired exemption (expiring now counts as expired) and says so', () => {
    // Act
    const past = findExemption([entry({ expires: at(-1) })], TARGET, NOW, 90);
    const now = findExemption([entry({ expires: at(0) })], TARGET, NOW, 90);

    // Assess
    expect(past).toEqual({ notes: [`exemption "EX-104" expired on ${at(-1)}: ignored`] });
    expect(now.exemption).toBeUndefined();
  });

  it('ignores an exemption longer than the maximum, and says so', () => {
    // Act
    const match = findExemption([entry({ approvedAt: at(-1), expires: at(90) })], TARGET, NOW, 90);

    // Assess
    expect(match).toEqual({ notes: ['exemption "EX-104" runs longer than the 90-day maximum: ignored'] });
  });

  it('measures an exemption approved in the future from now: no permanent exemption by a forward date', () => {
    // Prepare: approved "in 2099", expiring a month later: 73 years from now
    const forward = entry({ approvedAt: '2099-12-01T00:00:00Z', expires: '2100-01-01T00:00:00Z' });

    // Act
    const match = findExemption([forward], TARGET, NOW, 90);

    // Assess
    expect(match).toEqual({ notes: ['exemption "EX-104" runs longer than the 90-day maximum: ignored'] });
  });

  it.each([
    ['without a reason', { reason: undefined }, 'exemption "EX-104" is malformed (reason: '],
    [
      'with an expiry that is not a date',
      { expires: 'next friday' },
      'exemption "EX-104" is malformed (expires: ',
    ],
    ['with an unknown field', { permanent: true }, 'exemption "EX-104" is malformed (entry: '],
    ['with a reason of 2 characters', { reason: 'ok' }, 'exemption "EX-104" is malformed (reason: '],
    ['with an id that is not a string', { id: 7 }, 'exemption #0 is malformed (id: '],
    ['without an account', { account: undefined }, 'exemption "EX-104" is malformed (account: '],
    ['without a region', { region: undefined }, 'exemption "EX-104" is malformed (region: '],
    ['with an account that is not an id', { account: '1111' }, 'exemption "EX-104" is malformed (account: '],
    ['with a region wildcard pattern', { region: 'eu-*' }, 'exemption "EX-104" is malformed (region: '],
  ])('ignores an entry %s and says so', (_name, fields, note) => {
    // Act
    const match = findExemption([entry(fields)], TARGET, NOW, 90);

    // Assess
    expect(match.exemption).toBeUndefined();
    expect(match.notes).toHaveLength(1);
    expect(match.notes[0]).toContain(note);
    expect(match.notes[0]).toMatch(/: ignored$/);
  });

  it('caps the id it quotes in a note at 128 characters', () => {
    const match = findExemption([entry({ id: 'X'.repeat(500), reason: '' })], TARGET, NOW, 90);
    expect(match.notes[0]).toContain(`exemption "${'X'.repeat(128)}" is malformed`);
    expect(match.notes[0]!.length).toBeLessThan(300);
  });

  it('keeps the first valid exemption and notes every ignored one', () => {
    // Prepare
    const register = [
      entry({ id: 'EX-1', expires: at(-2) }),
      'not an object',
      null,
      entry({ id: 'EX-2' }),
      entry({ id: 'EX-3' }),
      entry({ id: 'EX-4', reason: undefined }),
    ];

    // Act
    const match = findExemption(register, TARGET, NOW, 90);

    // Assess
    expect(match.exemption?.id).toBe('EX-2');
    expect(match.notes).toEqual([
      `exemption "EX-1" expired on ${at(-2)}: ignored`,
      expect.stringContaining('exemption "EX-4" is malformed'),
    ]);
  });

  it.each([
    ['no register', undefined, []],
    ['an empty register', [], []],
    [
      'a register that is an object',
      { 'sg-0123456789abcdef0': 'exempt' },
      ['exemption register is not a JSON array: ignored'],
    ],
    ['a register that is a string', 'EX-104', ['exemption register is not a JSON array: ignored']],
  ])('finds nothing in %s', (_name, register, notes) => {
    expect(findExemption(register, TARGET, NOW, 90)).toEqual({ notes });
  });
});

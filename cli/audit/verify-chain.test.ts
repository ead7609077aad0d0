import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { newRecordId, sealRecord } from '../../shared/audit-record.js';
import { chainLink } from '../../shared/audit-sinks.js';
import { buildRealTrail, tempDir } from '../../test/helpers/real-trail.js';
import { parseTrail } from './trail-file.js';
import { verifyChain } from './verify-chain.js';

const ec2 = mockClient(EC2Client);
let lines: string[];
let records: AuditRecord[];

beforeAll(async () => {
  const path = join(tempDir(), 'trail.ndjson');
  records = await buildRealTrail(ec2, path);
  lines = readFileSync(path, 'utf8').trimEnd().split('\n');
});

const parsed = (l: readonly string[]) => JSON.parse(l.join('\n').split('\n')[0]!) as AuditRecord;
const verify = (l: readonly string[]) => verifyChain(parseTrail(`${l.join('\n')}\n`));
const line = (index: number) => JSON.parse(lines[index]!) as AuditRecord & { chain: string };

/** A forged record with a correct digest of its own (as anyone can compute one). */
function forged(after: number, withChain: 'valid' | 'garbage'): string {
  const { digest: _d, chain: _c, ...base } = line(1);
  const record = sealRecord({
    ...base,
    id: newRecordId(Date.parse(base.time)),
    outcome: 'APPLIED',
    reason: 'nothing happened here',
  });
  const chain = withChain === 'valid' ? chainLink(line(after).chain, record.digest.value) : 'f'.repeat(64);
  return JSON.stringify({ ...record, chain });
}

describe('Function: verifyChain', () => {
  it('accepts the trail the pipeline wrote, and reports its head', () => {
    // Act
    const report = verify(lines);

    // Assess
    expect(parsed(lines).id).toBe(records[0]!.id);
    expect(report.records).toBe(5);
    expect(report.problems).toEqual([]);
    expect(report.head).toBe(line(4).chain);
  });

  it('names the line and record whose field was changed', () => {
    // Prepare
    const tampered = [...lines];
    tampered[2] = JSON.stringify({ ...line(2), outcome: 'NOOP' });

    // Act
    const report = verify(tampered);

    // Assess
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 3, id: records[2]!.id, kind: 'altered' });
    expect(report.problems[0]!.message).toContain(`line 3 (${records[2]!.id})`);
  });

  it('names the record that was altered and sealed again with a fresh digest', () => {
    // Prepare
    const { digest: _d, chain, ...rest } = line(1);
    const resealed = sealRecord({ ...rest, reason: 'rewritten' });
    const tampered = [...lines];
    tampered[1] = JSON.stringify({ ...resealed, chain });

    // Act
    const report = verify(tampered);

    // Assess
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 2, id: records[1]!.id, kind: 'resealed-or-removed' });
  });

  it('names where a record was deleted', () => {
    // Prepare
    const tampered = lines.filter((_, i) => i !== 2);

    // Act
    const report = verify(tampered);

    // Assess
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 3, id: records[3]!.id, kind: 'resealed-or-removed' });
    expect(report.problems[0]!.message).toContain(`a record was removed after line 2 (${records[1]!.id})`);
  });

  it('names the first record when it was deleted', () => {
    // Act
    const report = verify(lines.slice(1));

    // Assess
    expect(report.problems).toEqual([
      expect.objectContaining({ line: 1, id: records[1]!.id, kind: 'resealed-or-removed' }),
    ]);
    expect(report.problems[0]!.message).toContain('at the start of the trail');
  });

  it('finds records removed from the end only against the expected head', () => {
    // Act
    const silent = verify(lines.slice(0, 4));
    const anchored = verifyChain(parseTrail(lines.slice(0, 4).join('\n')), line(4).chain);

    // Assess
    expect(silent.problems).toEqual([]);
    expect(anchored.problems).toEqual([expect.objectContaining({ kind: 'head-mismatch' })]);
  });

  it('names both records of a swapped pair', () => {
    // Prepare
    const tampered = [lines[0]!, lines[2]!, lines[1]!, lines[3]!, lines[4]!];

    // Act
    const report = verify(tampered);

    // Assess
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 2, id: records[2]!.id, kind: 'reordered' });
    expect(report.problems[0]!.message).toContain(`line 3 (${records[1]!.id})`);
  });

  it('names a forged record inserted with a correct digest and a chain of its own making', () => {
    // Prepare
    const fake = forged(1, 'valid');
    const tampered = [lines[0]!, lines[1]!, fake, lines[2]!, lines[3]!, lines[4]!];

    // Act
    const report = verify(tampered);

    // Assess
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ line: 3, id: JSON.parse(fake).id, kind: 'inserted' });
  });

  it('names a forged record inserted with a correct digest and a wrong chain', () => {
    // Prepare
    const fake = forged(1, 'garbage');
    const tampered = [lines[0]!, lines[1]!, fake, lines[2]!, lines[3]!, lines[4]!];

    // Act
    const report = verify(tampered);

    // Assess
    expect(report.problems).toEqual([
      expect.objectContaining({ line: 3, id: JSON.parse(fake).id, kind: 'inserted' }),
    ]);
  });

  it('names a line that is not JSON and a record that appears twice', () => {
    // Prepare
    const tampered = [lines[0]!, '{"schema":', lines[1]!, lines[1]!];

    // Act
    const report = verify(tampered);

    // Assess
    expect(report.problems.map((p) => [p.line, p.kind])).toEqual(
      expect.arrayContaining([
        [2, 'unreadable'],
        [4, 'duplicate'],
      ]),
    );
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { fileSink } from '../../shared/audit-sinks.js';
import { sampleRecord } from '../../test/helpers/audit-records.js';
import { runInProcess } from '../../test/helpers/cli.js';
import { tempDir } from '../../test/helpers/real-trail.js';
import { ROLLBACK_REFUSED } from './action-kind.js';
import { formatCsv } from './format-csv.js';
import { formatTable } from './format-table.js';
import { toOcsf } from './ocsf.js';
import { renderReportHtml } from './report-html.js';
import { computeReportStats } from './report-stats.js';

const GROUP = 'sg-0a0a0a0a0a0a0a0a1';
const NOW = Date.parse('2026-11-21T00:00:00Z');

const fix = sampleRecord({
  id: '0190f3a2-7b1c-7def-8abc-0123456789a1',
  mode: 'enforce',
  outcome: 'APPLIED',
  resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
  reason: '1 step applied',
});
const failedFix = sampleRecord({
  id: '0190f3a2-7b1c-7def-8abc-0123456789a2',
  time: '2026-11-20T10:01:06.000Z',
  mode: 'enforce',
  outcome: 'FAILED',
  resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0b0b0b0b0b0b0b0b2' },
  reason: 'RevokeSecurityGroupIngress failed',
});
/** As runRollback writes them: trigger rollback, an operator, links.rollbackOf. */
const rollback = (n: number, changes: Partial<AuditRecord>) =>
  sampleRecord({
    id: `0190f3a2-7b1c-7def-8abc-0123456789b${n}`,
    time: `2026-11-20T11:0${n}:06.000Z`,
    trigger: 'rollback',
    actor: { type: 'operator', name: 'alice', version: '0.1.0' },
    mode: 'enforce',
    resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
    links: { rollbackOf: fix.id },
    ...changes,
  });
const reopened = rollback(1, { outcome: 'APPLIED', reason: '1 undo step(s) applied' });
const refused = rollback(2, {
  outcome: 'FAILED',
  reason: 'rollback refused: it was already rolled back',
  error: { name: ROLLBACK_REFUSED, message: 'rollback refused', retryable: false },
});
const brokenUndo = rollback(3, {
  outcome: 'FAILED',
  reason: 'undo step ec2:AuthorizeSecurityGroupIngress failed',
  error: { name: 'UnauthorizedOperation', message: 'denied', retryable: false },
});
const RECORDS = [fix, failedFix, reopened, refused, brokenUndo];

describe('Function: rollbacks are their own kind of action', () => {
  it('lists a rollback as a rollback, never as APPLIED revoke-open-ssh', () => {
    // Act
    const table = formatTable(RECORDS, { colour: false }).split('\n');
    const csv = formatCsv(RECORDS).trimEnd().split('\r\n');

    // Assess
    expect(table[3]).toMatch(/ROLLBACK ROLLED_BACK\s+rollback of revoke-open-ssh\s+sg-0a0a0a0a0a0a0a0a1/);
    expect(table[4]).toMatch(/ROLLBACK REFUSED\s+rollback of revoke-open-ssh/);
    expect(table[5]).toMatch(/ROLLBACK FAILED\s+rollback of revoke-open-ssh/);
    expect(table[1]).toMatch(/APPLIED\s+revoke-open-ssh\s/);
    expect(csv[0]).toMatch(/,"action_kind","rollback_status"$/);
    expect(csv.slice(1).map((row) => row.split(',').slice(-2).join(','))).toEqual([
      '"remediation",""',
      '"remediation",""',
      '"rollback","ROLLED_BACK"',
      '"rollback","REFUSED"',
      '"rollback","FAILED"',
    ]);
  });

  it('counts rollbacks by their own status, apart from the remediations', () => {
    // Act
    const stats = computeReportStats(RECORDS, NOW);
    const html = renderReportHtml(stats, { source: 'trail.ndjson' });

    // Assess
    expect(stats.total).toBe(5);
    expect(stats.byOutcome).toMatchObject({ APPLIED: 1, FAILED: 1 });
    expect(stats.rollbacks.byStatus).toEqual({ ROLLED_BACK: 1, PLANNED: 0, REFUSED: 1, FAILED: 1 });
    expect(stats.latest.map((r) => r.id)).toEqual([failedFix.id]);
    expect(stats.byDay.reduce((n, d) => n + d.total, 0)).toBe(2);
    expect(stats.byRemediation).toEqual([['revoke-open-ssh', 2]]);
    expect(html).toContain('<div class="card" data-kind="rollbacks"><span class="n">3</span>');
    expect(html).toMatch(
      new RegExp(
        `<tr data-record="${reopened.id}"><td[^>]*>[^<]*</td><td class="outcome">ROLLED_BACK</td>.*${fix.id}`,
      ),
    );
  });

  it('exports a rollback to OCSF as a Restore with its own status; a refusal is not a failure', () => {
    // Act
    const [remediation, rolled, refusal, failure] = [fix, reopened, refused, brokenUndo].map((r) =>
      toOcsf(r),
    );

    // Assess
    expect(remediation).toMatchObject({ activity_id: 1, activity_name: 'Isolate', status_code: 'APPLIED' });
    expect(rolled).toMatchObject({
      activity_id: 3,
      activity_name: 'Restore',
      type_uid: 700103,
      status_id: 1,
      status_code: 'ROLLED_BACK',
      severity_id: 3,
      message: expect.stringMatching(/^rollback of revoke-open-ssh ROLLBACK ROLLED_BACK on sg-/),
      metadata: expect.objectContaining({ correlation_uid: fix.id }),
    });
    expect(refusal).toMatchObject({
      activity_id: 3,
      status_id: 99,
      status: 'Refused',
      status_code: 'REFUSED',
      severity_id: 2,
    });
    expect(failure).toMatchObject({ activity_id: 3, status_id: 2, status_code: 'FAILED', severity_id: 4 });
  });

  it('airlock audit list shows each rollback as a rollback, one APPLIED remediation only', async () => {
    // Prepare
    const path = join(tempDir(), 'trail.ndjson');
    const sink = fileSink(path);
    for (const r of RECORDS) await sink.write(r);

    // Act
    const table = await runInProcess('audit', 'list', '--file', path);

    // Assess
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('ROLLBACK REFUSED');
    expect(table.stdout.match(/^\S+\s+APPLIED\s/gm)).toHaveLength(1);
    expect(table.stdout).toContain('5 record(s)');
  });
});

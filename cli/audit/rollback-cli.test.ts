import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../../functions/revoke-open-ssh/index.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { runPipeline } from '../../shared/pipeline.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { tempDir } from '../../test/helpers/real-trail.js';
import { SimulatedCloud } from '../sim/cloud.js';
import { SAMPLE_SIGNING_KEY_ALIAS } from '../sim/kinds/kms-keys.js';
import { sampleSimState } from '../sim/sample.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'airlock.mjs');

/** Runs the real `airlock` command; resolves with its exit code and output. */
async function airlock(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('Function: airlock rollback (the command, spawned) on the simulated account', () => {
  it('plans, applies, refuses a second time, and leaves a trail that verifies', async () => {
    // Prepare
    const dir = tempDir();
    const state = join(dir, 'account.json');
    const simTrail = join(dir, 'sim-trail.ndjson');
    const group = 'sg-0a1b2c3d4e5f60718';
    let sim = await SimulatedCloud.create(sampleSimState(), { dynamodb: false });
    const rulesOf = (s: SimulatedCloud) =>
      s
        .state()
        .accounts['111122223333']!.regions['eu-west-2']!.securityGroups.find((g) => g.GroupId === group)!
        .Rules;
    const original = rulesOf(sim).length;
    const records: AuditRecord[] = [];
    await runPipeline(
      complianceEvent({ resourceType: 'AWS::EC2::SecurityGroup', resourceId: group, rule: 'restricted-ssh' }),
      revokeOpenSsh,
      createDeps('revoke-open-ssh', {
        env: { AWS_REGION: 'eu-west-2' },
        clients: sim.clientFactory(),
        settings: {
          mode: 'enforce',
          allowedAccounts: ['*'],
          audit: { file: simTrail },
          signingKey: SAMPLE_SIGNING_KEY_ALIAS,
        },
        onRecord: (r) => records.push(r),
      }),
    );
    await sim.save(state);
    const remediated = rulesOf(sim).length;
    await sim.close();
    const id = records[0]!.id;

    // Act
    const rollback = (...more: string[]) =>
      airlock(
        'rollback',
        id,
        '--file',
        simTrail,
        '--sim-state',
        state,
        '--signing-key',
        SAMPLE_SIGNING_KEY_ALIAS,
        ...more,
      );
    const plan = await rollback();
    const apply = await rollback('--mode', 'apply');
    const again = await rollback('--mode', 'apply');
    const verify = await airlock('audit', 'verify', '--file', simTrail);

    // Assess
    expect(records[0]!.outcome).toBe('APPLIED');
    expect(remediated).toBeLessThan(original);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('outcome: PLANNED');
    expect(apply.code, apply.stderr).toBe(0);
    expect(apply.stdout).toContain('outcome: APPLIED');
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('the record was already rolled back by');
    expect(verify.code, verify.stdout).toBe(0);
    sim = await SimulatedCloud.create(state, { dynamodb: false });
    expect(rulesOf(sim)).toHaveLength(original);
    await sim.close();
    const written = readFileSync(simTrail, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(written.map((r) => [r.trigger, r.outcome, r.links?.rollbackOf])).toEqual([
      ['config', 'APPLIED', undefined],
      ['rollback', 'PLANNED', id],
      ['rollback', 'APPLIED', id],
      ['rollback', 'FAILED', id],
    ]);
    expect(written.every((r) => r.signature?.algorithm === 'ECDSA_SHA_256')).toBe(true);
  }, 240_000);
});

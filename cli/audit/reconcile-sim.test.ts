import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { findRemediation } from '../../functions/registry.js';
import { mergeSettings } from '../../shared/settings.js';
import { runInProcess } from '../../test/helpers/cli.js';
import {
  DEMO_ACCOUNT,
  DEMO_FAST_PATH_GROUP,
  DEMO_REGION,
  DEMO_SETTINGS,
  DEMO_VIOLATIONS,
  demoState,
} from '../demo/scenario.js';
import { sampleEvent } from '../events/sample.js';
import { replayEvents } from '../replay/replay.js';
import { simTarget } from '../replay/sim-target.js';
import { SimulatedCloud } from '../sim/cloud.js';
import { runReconcile } from './reconcile-run.js';
import { simTrailEvents } from './reconcile-sim.js';
import { loadTrailRecords } from './trail-file.js';

/** The demo's violations, replayed in apply mode on a state file that keeps its change log. */
async function replayDemo(dir: string): Promise<{ state: string; trail: string }> {
  const state = join(dir, 'account.json');
  const trail = join(dir, 'audit-trail.ndjson');
  writeFileSync(state, JSON.stringify(demoState()));
  const target = await simTarget(state);
  const events = DEMO_VIOLATIONS.map((v) => ({
    origin: v.resourceId,
    event: sampleEvent(findRemediation(v.remediation)!, {
      resourceId: v.resourceId,
      account: DEMO_ACCOUNT,
      region: DEMO_REGION,
      compliance: 'NON_COMPLIANT',
      previous: 'COMPLIANT',
      ...(v.rule ? { rule: v.rule } : {}),
    }),
  }));
  await replayEvents(events, {
    mode: 'apply',
    clients: target.clients,
    settings: mergeSettings(mergeSettings(target.settings, DEMO_SETTINGS), { audit: { file: trail } }),
    concurrency: 2,
    homeRegion: DEMO_REGION,
  });
  await target.close(true);
  return { state, trail };
}

describe('Function: airlock audit reconcile --sim-state', () => {
  it('matches a replay with the change log its state file kept, then finds an out-of-band write and a lost record', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'airlock-reconcile-sim-'));
    const { state, trail } = await replayDemo(dir);
    const clean = await runInProcess(
      'audit',
      'reconcile',
      '--file',
      trail,
      '--sim-state',
      state,
      '--since',
      '1h',
    );

    // Act: a write with airlock's identity outside the pipeline, saved in the same state file
    const sim = await SimulatedCloud.create(state, { dynamodb: false });
    const ec2 = sim.clientFactory().get(EC2Client, { account: DEMO_ACCOUNT, region: DEMO_REGION });
    const open = (cidr: string) =>
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: DEMO_FAST_PATH_GROUP,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: cidr }] }],
      });
    await ec2.send(open('0.0.0.0/0'));
    // an operator's own change, by another role: not airlock's, so not reconciled
    await sim.actingAs(`arn:aws:iam::${DEMO_ACCOUNT}:role/PlatformAdmin`, () =>
      ec2.send(open('203.0.113.0/24')),
    );
    await sim.save(state);
    await sim.close();
    const dirty = await runInProcess(
      'audit',
      'reconcile',
      '--file',
      trail,
      '--sim-state',
      state,
      '--since',
      '1h',
    );
    // and a record lost from the trail: its writes are left without one
    const records = await loadTrailRecords(trail);
    const lost = records.find((r) => r.outcome === 'APPLIED')!;
    const report = await runReconcile(
      { kind: 'sim', path: state },
      records.filter((r) => r !== lost),
      { start: Date.now() - 3_600_000, end: Date.now(), slackMs: 300_000, rolePrefixes: ['airlock-'] },
    );

    // Assess
    const rendered = simTrailEvents(state) as {
      detail: { userIdentity: { sessionContext: { sessionIssuer: { userName: string } } } };
    }[];
    expect(rendered.length).toBeGreaterThan(records.length);
    expect(rendered.at(-1)!.detail.userIdentity.sessionContext.sessionIssuer.userName).toBe('PlatformAdmin');
    expect(clean.code, clean.stderr + clean.stdout).toBe(0);
    expect(clean.stdout).toMatch(
      /^OK: (\d+) write\(s\) by airlock's roles and \1 recorded call\(s\): all \1 matched$/m,
    );
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toMatch(
      new RegExp(
        `^NO RECORD {2}\\S+ {2}airlock-simulated {2}ec2:AuthorizeSecurityGroupIngress {2}request ${DEMO_FAST_PATH_GROUP}`,
        'm',
      ),
    );
    expect(dirty.stdout).toMatch(
      /^FAILED: 1 write\(s\) by airlock's roles without a record, 0 applied step/m,
    );
    const lostCalls = lost.steps.filter((s) => s.result === 'applied').map((s) => s.api);
    expect(lostCalls.length).toBeGreaterThan(0);
    expect(report.unrecorded.map((w) => w.eventName).sort()).toEqual(
      [...lostCalls, 'AuthorizeSecurityGroupIngress'].sort(),
    );
    expect(report.unrecorded.every((w) => w.role === 'airlock-simulated')).toBe(true);
    expect(report.unmatched).toEqual([]);
  }, 90_000);

  it('refuses a state file that is not one, naming it', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'airlock-reconcile-sim-'));
    const bad = join(dir, 'bad.json');
    const trail = join(dir, 'trail.ndjson');
    writeFileSync(bad, JSON.stringify({ accounts: { [DEMO_ACCOUNT]: {} }, changeLog: [{ api: 'nope' }] }));
    writeFileSync(trail, '');

    // Act
    const run = await runInProcess(
      'audit',
      'reconcile',
      '--file',
      trail,
      '--sim-state',
      bad,
      '--since',
      '1h',
    );

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}: `);
    expect(run.stderr).toContain('changeLog.0');
  });
});

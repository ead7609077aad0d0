import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../../test/helpers/cli.js';
import { replayDemo } from '../../test/helpers/demo-replay.js';
import { DEMO_ACCOUNT, DEMO_FAST_PATH_GROUP, DEMO_REGION } from '../demo/scenario.js';
import { SimulatedCloud } from '../sim/cloud.js';
import { runReconcile } from './reconcile-run.js';
import { simTrailEvents } from './reconcile-sim.js';
import { loadTrailRecords } from './trail-file.js';

/** `airlock audit reconcile` of a trail against a state file's change log, over the last hour. */
const reconcileSim = (trail: string, state: string) =>
  runInProcess('audit', 'reconcile', '--file', trail, '--sim-state', state, '--since', '1h');

describe('Function: airlock audit reconcile --sim-state', () => {
  it('matches a replay with the change log its state file kept, then finds an out-of-band write and a lost record', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'airlock-reconcile-sim-'));
    const { target, state, trail } = await replayDemo(dir);
    await target.close(true);
    const clean = await reconcileSim(trail, state);

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
    const dirty = await reconcileSim(trail, state);
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
    const run = await reconcileSim(trail, bad);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}: `);
    expect(run.stderr).toContain('changeLog.0');
  });
});

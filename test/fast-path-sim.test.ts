import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, CreateRouteCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DeletePublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNT,
  DEMO_FAST_PATH_GROUP,
  DEMO_REGION,
  DEMO_SETTINGS,
  demoState,
} from '../cli/demo/scenario.js';
import { replayEvents } from '../cli/replay/replay.js';
import { simTarget } from '../cli/replay/sim-target.js';
import { cloudTrailEventFor } from '../cli/sim/index.js';
import { mergeSettings } from '../shared/settings.js';

const ALICE = {
  roleArn: `arn:aws:iam::${DEMO_ACCOUNT}:role/PlatformAdmin`,
  sessionName: 'alice',
  sourceIp: '198.51.100.24',
};

describe('Function: the fast path on the simulated account', () => {
  it('remediates changes made through the simulator from their CloudTrail events, and ignores airlock’s own', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'airlock-fast-'));
    const state = demoState();
    state.accounts[DEMO_ACCOUNT]!.buckets['airlock-demo-private-data']!.publicAccessBlock = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    const target = await simTarget(join(dir, 'state.json'));
    const scope = { region: DEMO_REGION, account: DEMO_ACCOUNT };
    const own = `arn:aws:iam::${DEMO_ACCOUNT}:role/airlock-revoke-open-ssh`;
    const settings = mergeSettings(mergeSettings(target.settings, DEMO_SETTINGS), { ownPrincipals: [own] });
    const run = (event: unknown) =>
      replayEvents([{ origin: 'cloudtrail', event }], {
        mode: 'apply',
        clients: target.clients,
        settings,
        concurrency: 1,
        homeRegion: DEMO_REGION,
      });

    // Act: three violating changes, by hand
    await target.clients.get(EC2Client, scope).send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: DEMO_FAST_PATH_GROUP,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
      }),
    );
    await target.clients
      .get(S3Client, scope)
      .send(new DeletePublicAccessBlockCommand({ Bucket: 'airlock-demo-private-data' }));
    await target.clients.get(EC2Client, scope).send(
      new CreateRouteCommand({
        RouteTableId: 'rtb-0a0a0a0a0a0a0b001',
        DestinationCidrBlock: '203.0.113.0/24',
        GatewayId: 'igw-0a0a0a0a0a0a0a0a2',
      }),
    );
    const changes = target.sim.changes();
    const events = changes.map((c, i) => cloudTrailEventFor(c, ALICE, i)).filter((e) => e !== undefined);
    const results = [];
    for (const e of events) results.push(...(await run(e)));
    // the same change attributed to airlock's own role: no action at all
    const writesBefore = target.sim.changes().length;
    const [ownResult] = await run(cloudTrailEventFor(changes[0]!, { ...ALICE, roleArn: own }, 99));
    const writesAfter = target.sim.changes().length;
    const after = await target.sim.snapshot();
    await target.close(false);

    // Assess
    expect(results.map((r) => [r.remediation, r.outcome])).toEqual([
      ['revoke-open-ssh', 'APPLIED'],
      ['block-public-s3', 'APPLIED'],
      ['strip-internet-routes', 'APPLIED'],
    ]);
    const region = after.accounts[DEMO_ACCOUNT]!.regions[DEMO_REGION]!;
    expect(
      region.securityGroups.find((g) => g.GroupId === DEMO_FAST_PATH_GROUP)!.Rules.map((r) => r.CidrIpv4),
    ).toEqual(['10.20.0.0/16']);
    expect(after.accounts[DEMO_ACCOUNT]!.buckets['airlock-demo-private-data']!.publicAccessBlock).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    expect(ownResult).toMatchObject({
      outcome: 'NOOP',
      reason: expect.stringMatching(/^made by airlock itself/),
    });
    expect(writesAfter).toBe(writesBefore);
  }, 60_000);
});

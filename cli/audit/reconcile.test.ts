import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  AuthorizeSecurityGroupIngressCommand,
  DisassociateRouteTableCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../../functions/revoke-open-ssh/index.js';
import { stripInternetRoutes } from '../../functions/strip-internet-routes/index.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { sealRecord } from '../../shared/audit-record.js';
import { createClientFactory } from '../../shared/clients.js';
import { createDeps } from '../../shared/deps.js';
import { runPipeline } from '../../shared/pipeline.js';
import { runInProcess } from '../../test/helpers/cli.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { tempDir } from '../../test/helpers/real-trail.js';
import { silent } from '../../test/helpers/signed-trail.js';
import { SimulatedCloud } from '../sim/cloud.js';
import { cloudTrailEventFor, type SimCaller } from '../sim/cloudtrail.js';
import { localRoute, route, routeTable } from '../sim/kinds/route-tables.js';
import { securityGroup } from '../sim/kinds/security-groups.js';
import { placeResources, simState } from '../sim/scenario.js';
import { reconcile, trailWriteOf } from './reconcile.js';
import { lookupWrites, runReconcile } from './reconcile-run.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';
const GROUP = 'sg-0a0a0a0a0a0a0a0a1';
const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'cloudtrail');
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));

const role = (name: string): SimCaller => ({
  roleArn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
  sessionName: name,
  sourceIp: '10.20.1.17',
});

let sim: SimulatedCloud | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/**
 * The simulated account with SSH open to the world on one group, remediated by the real pipeline:
 * the trail it wrote, and CloudTrail as the change log renders it (every call by the function's role).
 */
async function remediated(): Promise<{ trail: string; records: AuditRecord[]; events: () => unknown[] }> {
  const state = simState({ seed: 5 });
  placeResources(state, { account: ACCOUNT, region: REGION }, [
    securityGroup({
      id: GROUP,
      name: 'bastion',
      vpc: 'vpc-0123456789abcdef0',
      rules: [{ id: 'sgr-0a0a0a0a0a0a0a0b1', ports: 22, cidr: '0.0.0.0/0' }],
    }),
  ]);
  sim = await SimulatedCloud.create(state, { dynamodb: false });
  const trail = join(tempDir(), 'trail.ndjson');
  const records: AuditRecord[] = [];
  const deps = createDeps(revokeOpenSsh.id, {
    env: {},
    clients: sim.clientFactory(),
    settings: { mode: 'enforce', allowedAccounts: ['*'], audit: { file: trail } },
    logger: silent,
    onRecord: (r) => records.push(r),
  });
  await runPipeline(
    complianceEvent({
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: GROUP,
      rule: 'restricted-ssh',
      account: ACCOUNT,
      region: REGION,
    }),
    revokeOpenSsh,
    deps,
  );
  const cloud = sim;
  return {
    trail,
    records,
    events: () =>
      cloud
        .changes()
        .map((c, i) => cloudTrailEventFor(c, role('airlock-revoke-open-ssh'), i))
        .filter((e) => e !== undefined),
  };
}

/** A write made with the function's role outside the pipeline: SSH opened again, by hand. */
async function outOfBand(): Promise<void> {
  const ec2 = sim!.clientFactory().get(EC2Client, { region: REGION, account: ACCOUNT });
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: GROUP,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    }),
  );
}

const RANGE = { rolePrefixes: ['airlock-'], slackMs: 300_000 };
const around = (now = Date.now()) => ({ start: now - 3_600_000, end: now + 60_000 });

describe('Function: reconcile (records against CloudTrail)', () => {
  it('is clean when every write by airlock has its record and every applied step its write', async () => {
    // Prepare
    const { records, events } = await remediated();

    // Act
    const report = await runReconcile({ kind: 'files', paths: [writeEvents(events())] }, records, {
      ...RANGE,
      ...around(),
    });

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['APPLIED']);
    expect(report.unrecorded).toEqual([]);
    expect(report.unmatched).toEqual([]);
    expect(report.matched).toBe(1);
  });

  it('finds a write made with airlock’s role outside the pipeline, and a write whose record was lost', async () => {
    // Prepare
    const { records, events } = await remediated();
    await outOfBand();

    // Act
    const oob = await runReconcile({ kind: 'files', paths: [writeEvents(events())] }, records, {
      ...RANGE,
      ...around(),
    });
    const lost = await runReconcile({ kind: 'files', paths: [writeEvents(events())] }, [], {
      ...RANGE,
      ...around(),
    });

    // Assess
    expect(oob.unrecorded.map((w) => [w.eventName, w.role, w.values.has(GROUP)])).toEqual([
      ['AuthorizeSecurityGroupIngress', 'airlock-revoke-open-ssh', true],
    ]);
    expect(oob.unmatched).toEqual([]);
    expect(lost.unrecorded.map((w) => w.eventName)).toEqual([
      'RevokeSecurityGroupIngress',
      'AuthorizeSecurityGroupIngress',
    ]);
  });

  it('matches a call that names its resource only indirectly (an association id) by the step it recorded', async () => {
    // Prepare: a private subnet joined to the public-tier table, taken off it by the pipeline; then
    // another subnet taken off by hand with the function's role
    const TABLE = 'rtb-0a0a0a0a0a0a0a0b2';
    const state = simState({ seed: 6 });
    placeResources(state, { account: ACCOUNT, region: REGION }, [
      routeTable({
        id: TABLE,
        vpc: 'vpc-0123456789abcdef0',
        associations: [
          { id: 'rtbassoc-0a0a0a0a0a0a0a0c1', subnet: 'subnet-0a0a0a0a0a0a0a0d1' },
          { id: 'rtbassoc-0a0a0a0a0a0a0a0c2', subnet: 'subnet-0a0a0a0a0a0a0a0d2' },
          { id: 'rtbassoc-0a0a0a0a0a0a0a0c3', subnet: 'subnet-0a0a0a0a0a0a0a0d3' },
        ],
        routes: [localRoute('10.0.0.0/16'), route('0.0.0.0/0', { GatewayId: 'igw-0a0a0a0a0a0a0a0e1' })],
      }),
    ]);
    sim = await SimulatedCloud.create(state, { dynamodb: false });
    const records: AuditRecord[] = [];
    const deps = createDeps(stripInternetRoutes.id, {
      env: {},
      clients: sim.clientFactory(),
      settings: {
        mode: 'enforce',
        allowedAccounts: ['*'],
        remediations: {
          'strip-internet-routes': {
            settings: {
              publicRouteTableIds: [TABLE],
              publicSubnetIds: ['subnet-0a0a0a0a0a0a0a0d1', 'subnet-0a0a0a0a0a0a0a0d3'],
            },
          },
        },
      },
      logger: silent,
      onRecord: (r) => records.push(r),
    });
    const event = complianceEvent({
      resourceType: 'AWS::EC2::RouteTable',
      resourceId: TABLE,
      rule: stripInternetRoutes.configRuleNames[0]!,
      account: ACCOUNT,
      region: REGION,
    });
    await runPipeline(event, stripInternetRoutes, deps);
    const cloud = sim;
    const events = () =>
      cloud
        .changes()
        .map((c, i) => cloudTrailEventFor(c, role('airlock-strip-internet-routes'), i))
        .filter((e) => e !== undefined);
    const clean = await runReconcile({ kind: 'files', paths: [writeEvents(events())] }, records, {
      ...RANGE,
      ...around(),
    });
    const ec2 = cloud.clientFactory().get(EC2Client, { region: REGION, account: ACCOUNT });
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: 'rtbassoc-0a0a0a0a0a0a0a0c3' }));

    // Act
    const oob = await runReconcile({ kind: 'files', paths: [writeEvents(events())] }, records, {
      ...RANGE,
      ...around(),
    });

    // Assess
    expect(records.map((r) => [r.outcome, r.steps.map((x) => x.action)])).toEqual([
      ['APPLIED', ['ec2:DisassociateRouteTable']],
    ]);
    expect({ unrecorded: clean.unrecorded, unmatched: clean.unmatched, matched: clean.matched }).toEqual({
      unrecorded: [],
      unmatched: [],
      matched: 1,
    });
    expect(oob.unrecorded.map((w) => [w.eventName, w.values.has('rtbassoc-0a0a0a0a0a0a0a0c3')])).toEqual([
      ['DisassociateRouteTable', true],
    ]);
    expect(oob.matched).toBe(1);
  });

  it('finds an APPLIED record whose change CloudTrail never saw, and ignores writes by other roles', async () => {
    // Prepare
    const { records } = await remediated();
    const { digest: _d, signature: _s, ...content } = records[0]!;
    const forged = sealRecord({
      ...content,
      id: '0190f3a2-7b1c-7def-8abc-0123456789ff',
      resource: { ...content.resource, id: 'sg-0f0f0f0f0f0f0f0f9' },
    });
    await outOfBand();
    const byAdmin = sim!.changes().map((c, i) => cloudTrailEventFor(c, role('PlatformAdmin'), i));

    // Act
    const report = await runReconcile({ kind: 'files', paths: [writeEvents(byAdmin)] }, [forged], {
      ...RANGE,
      ...around(),
    });
    const clean = reconcile([], [], { slackMs: 0 });

    // Assess
    expect(report.unrecorded).toEqual([]);
    expect(report.unmatched.map((c) => [c.record.id, c.step.action, c.resourceId])).toEqual([
      [forged.id, 'ec2:RevokeSecurityGroupIngress', 'sg-0f0f0f0f0f0f0f0f9'],
    ]);
    expect(clean).toEqual({ unrecorded: [], unmatched: [], matched: 0, writes: 0, calls: 0 });
  });

  it('reads recorded CloudTrail shapes: EventBridge events, log files, failed calls; read-only calls are no writes', () => {
    // Prepare
    const own = fixture('ec2__AuthorizeSecurityGroupIngress__airlock-own-role');
    const failed = fixture('ec2__AuthorizeSecurityGroupIngress__failed');
    const tgw = fixture('ec2__CreateTransitGatewayRoute');

    // Act
    const [ownWrite, failedWrite, tgwWrite] = [own, failed, tgw.detail].map(trailWriteOf);
    const readOnly = trailWriteOf({ ...own.detail, readOnly: true, eventName: 'DescribeSecurityGroups' });

    // Assess
    expect(ownWrite).toMatchObject({
      eventName: 'AuthorizeSecurityGroupIngress',
      eventSource: 'ec2.amazonaws.com',
      role: 'airlock-revoke-open-ssh',
      account: ACCOUNT,
      region: REGION,
    });
    expect(ownWrite!.values.has('sg-0123456789abcdef0')).toBe(true);
    expect(failedWrite?.errorCode).toBeDefined();
    expect(tgwWrite?.eventName).toBe('CreateTransitGatewayRoute');
    expect([...tgwWrite!.values].some((v) => v.startsWith('tgw-rtb-'))).toBe(true);
    expect(readOnly).toBeUndefined();
  });

  it('pages through LookupEvents for write events only', async () => {
    // Prepare
    const cloudtrail = mockClient(CloudTrailClient);
    const own = fixture('ec2__AuthorizeSecurityGroupIngress__airlock-own-role').detail;
    cloudtrail
      .on(LookupEventsCommand)
      .resolvesOnce({ Events: [{ CloudTrailEvent: JSON.stringify(own) }], NextToken: 'page-2' })
      .resolvesOnce({ Events: [{ CloudTrailEvent: JSON.stringify({ ...own, eventID: 'second' }) }] });
    const clients = createClientFactory({
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
    });

    // Act
    const events = await lookupWrites(
      clients,
      REGION,
      new Date('2026-11-20T00:00:00Z'),
      new Date('2026-11-21T00:00:00Z'),
    );

    // Assess
    const calls = cloudtrail.commandCalls(LookupEventsCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      expect.objectContaining({ LookupAttributes: [{ AttributeKey: 'ReadOnly', AttributeValue: 'false' }] }),
      expect.objectContaining({ NextToken: 'page-2' }),
    ]);
    expect(events.map((e) => (e as { eventID: string }).eventID)).toEqual([own.eventID, 'second']);
    cloudtrail.restore();
  });
});

describe('Function: airlock audit reconcile', () => {
  it('exits 0 on a clean run and 1 naming the write without a record', async () => {
    // Prepare
    const { trail, events } = await remediated();
    const before = writeEvents(events());
    await outOfBand();
    const after = writeEvents(events());

    // Act
    const clean = await runInProcess(
      'audit',
      'reconcile',
      '--file',
      trail,
      '--cloudtrail-file',
      before,
      '--since',
      '1h',
    );
    const dirty = await runInProcess(
      'audit',
      'reconcile',
      '--file',
      trail,
      '--cloudtrail-file',
      after,
      '--since',
      '1h',
    );
    const noSince = await runInProcess('audit', 'reconcile', '--file', trail, '--cloudtrail-file', after);

    // Assess
    expect(clean.code, clean.stderr + clean.stdout).toBe(0);
    expect(clean.stdout).toMatch(
      /^OK: 1 write\(s\) by airlock's roles and 1 recorded call\(s\): all 1 matched$/m,
    );
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toMatch(
      /^NO RECORD {2}\S+ {2}airlock-revoke-open-ssh {2}ec2:AuthorizeSecurityGroupIngress {2}request sg-0a0a0a0a0a0a0a0a1/m,
    );
    expect(dirty.stdout).toContain(
      "FAILED: 1 write(s) by airlock's roles without a record, 0 applied step(s) without a write",
    );
    expect(noSince.code).toBe(2);
    expect(noSince.stderr).toContain('reconcile needs --since');
  });
});

/** Writes the events as a CloudTrail log file (`{"Records":[…]}`, the detail of each) and returns its path. */
function writeEvents(events: readonly unknown[]): string {
  const path = join(tempDir(), 'cloudtrail.json');
  writeFileSync(path, JSON.stringify({ Records: events.map((e) => (e as { detail: unknown }).detail) }));
  return path;
}

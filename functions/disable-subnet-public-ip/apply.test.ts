import {
  DescribeSubnetsCommand,
  EC2Client,
  EC2ServiceException,
  ModifySubnetAttributeCommand,
  type ModifySubnetAttributeCommandInput,
  type Subnet,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { RemediationFailedError } from '../../shared/errors.js';
import { runPipeline } from '../../shared/pipeline.js';
import { testContext } from '../../test/helpers/context.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { applySubnetStep } from './apply.js';
import { ipv6Block, SUBNET, subnet } from './fixtures.js';
import { disableSubnetPublicIp } from './index.js';
import { LAUNCH_ATTRIBUTES, type SubnetStep } from './plan.js';

const POOL = 'ipv4pool-coip-0123456789abcdef0';
const LEAKY: Partial<Subnet> = {
  MapPublicIpOnLaunch: true,
  AssignIpv6AddressOnCreation: true,
  Ipv6CidrBlockAssociationSet: [ipv6Block('2600:1f13:cfe:3660::/64')],
};

const ec2 = mockClient(EC2Client);

const awsError = (name: string) =>
  new EC2ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: name });

/** EC2 holding one subnet: ModifySubnetAttribute sets exactly one attribute per call, as EC2 does. */
function statefulSubnet(extra: Partial<Subnet>) {
  let current = subnet(extra);
  ec2.on(DescribeSubnetsCommand).callsFake(async () => ({ Subnets: [structuredClone(current)] }));
  ec2.on(ModifySubnetAttributeCommand).callsFake(async (input: ModifySubnetAttributeCommandInput) => {
    const given = LAUNCH_ATTRIBUTES.filter((a) => input[a] !== undefined);
    if (given.length !== 1) throw awsError('InvalidParameterCombination');
    current = { ...current, [given[0]!]: input[given[0]!]!.Value };
    return {};
  });
  return { now: () => current, set: (fields: Partial<Subnet>) => (current = { ...current, ...fields }) };
}

function deps(records: AuditRecord[], settings: Record<string, unknown> = {}) {
  return createDeps('disable-subnet-public-ip', {
    env: {},
    settings: { mode: 'enforce', allowedAccounts: ['*'], ...settings },
    onRecord: (r) => records.push(r),
  });
}
const event = () =>
  complianceEvent({
    resourceType: 'AWS::EC2::Subnet',
    resourceId: SUBNET,
    rule: 'airlock-subnet-auto-assign-public-ip-disabled',
  });

beforeEach(() => {
  ec2.reset();
});

describe('Function: disable-subnet-public-ip through the pipeline', () => {
  it('turns public IPv4 and IPv6 off with one call per attribute, verifies, and records undo', async () => {
    // Prepare
    const state = statefulSubnet(LEAKY);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), disableSubnetPublicIp, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(state.now()).toEqual(
      subnet({ ...LEAKY, MapPublicIpOnLaunch: false, AssignIpv6AddressOnCreation: false }),
    );
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input).toEqual({ SubnetIds: [SUBNET] });
    expect(ec2.commandCalls(ModifySubnetAttributeCommand).map((c) => c.args[0].input)).toEqual([
      { SubnetId: SUBNET, MapPublicIpOnLaunch: { Value: false } },
      { SubnetId: SUBNET, AssignIpv6AddressOnCreation: { Value: false } },
    ]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      remediation: 'disable-subnet-public-ip',
      resource: { type: 'AWS::EC2::Subnet', id: SUBNET },
      verification: { status: 'compliant' },
      steps: [
        {
          api: 'ModifySubnetAttribute',
          result: 'applied',
          before: { attribute: 'MapPublicIpOnLaunch', value: true },
          undo: [
            {
              api: 'ModifySubnetAttribute',
              input: { SubnetId: SUBNET, MapPublicIpOnLaunch: { Value: true } },
            },
          ],
        },
        {
          api: 'ModifySubnetAttribute',
          result: 'applied',
          before: { attribute: 'AssignIpv6AddressOnCreation' },
        },
      ],
    });
  });

  it('writes the attribute again when someone turned it off first: the call succeeds and the subnet is compliant', async () => {
    // Prepare
    const state = statefulSubnet({ MapPublicIpOnLaunch: true });
    ec2.on(ModifySubnetAttributeCommand).callsFake(async () => {
      state.set({ MapPublicIpOnLaunch: false });
      return {};
    });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), disableSubnetPublicIp, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)).toHaveLength(1);
    expect(records[0]?.verification).toEqual({ status: 'compliant' });
  });

  it('counts a subnet deleted meanwhile (InvalidSubnetID.NotFound) as done, and says it is gone', async () => {
    // Prepare
    let deleted = false;
    ec2.on(DescribeSubnetsCommand).callsFake(async () => {
      if (deleted) throw awsError('InvalidSubnetID.NotFound');
      return { Subnets: [subnet({ MapPublicIpOnLaunch: true })] };
    });
    ec2.on(ModifySubnetAttributeCommand).callsFake(async () => {
      deleted = true;
      throw awsError('InvalidSubnetID.NotFound');
    });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), disableSubnetPublicIp, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]?.steps[0]).toMatchObject({
      result: 'already-done',
      error: { name: 'InvalidSubnetID.NotFound' },
    });
    expect(records[0]?.verification).toMatchObject({
      status: 'compliant',
      detail: 'the resource no longer exists',
    });
  });

  it('records NOOP when the subnet does not exist, with no write', async () => {
    // Prepare
    ec2.on(DescribeSubnetsCommand).rejects(awsError('InvalidSubnetID.NotFound'));
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), disableSubnetPublicIp, deps(records));

    // Assess
    expect(result).toMatchObject({ outcome: 'NOOP', reason: 'the resource no longer exists' });
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)).toHaveLength(0);
  });

  it('records NOOP for an already-private subnet, with no write', async () => {
    // Prepare
    statefulSubnet({});
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), disableSubnetPublicIp, deps(records));

    // Assess
    expect(result).toMatchObject({
      outcome: 'NOOP',
      reason: 'assigns no public IPv4, public IPv6 or customer-owned address on launch',
    });
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)).toHaveLength(0);
  });

  it('never touches a public-tier subnet named in the settings', async () => {
    // Prepare
    const state = statefulSubnet({ MapPublicIpOnLaunch: true });
    const records: AuditRecord[] = [];
    const settings = {
      remediations: { 'disable-subnet-public-ip': { settings: { publicSubnetIds: [SUBNET] } } },
    };

    // Act
    const result = await runPipeline(event(), disableSubnetPublicIp, deps(records, settings));

    // Assess
    expect(result.outcome).toBe('NOOP');
    expect(result.reason).toContain('public-tier');
    expect(state.now().MapPublicIpOnLaunch).toBe(true);
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)).toHaveLength(0);
  });

  it('writes nothing and records PLANNED in dry-run mode', async () => {
    // Prepare
    const state = statefulSubnet(LEAKY);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event(), disableSubnetPublicIp, deps(records, { mode: 'dry-run' }));

    // Assess
    expect(result.outcome).toBe('PLANNED');
    expect(records[0]?.steps).toHaveLength(2);
    expect(state.now()).toEqual(subnet(LEAKY));
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)).toHaveLength(0);
  });

  it('fails with a FAILED record when EC2 refuses the change', async () => {
    // Prepare
    statefulSubnet({ MapPublicIpOnLaunch: true });
    ec2.on(ModifySubnetAttributeCommand).rejects(awsError('UnauthorizedOperation'));
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event(), disableSubnetPublicIp, deps(records));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RemediationFailedError);
    expect(records[0]).toMatchObject({
      outcome: 'FAILED',
      steps: [{ result: 'failed', error: { name: 'UnauthorizedOperation' } }],
    });
  });
});

describe('Function: applySubnetStep', () => {
  const ctx = () => testContext('disable-subnet-public-ip');

  it('turns customer-owned addressing back on with its pool in exactly one call (undo)', async () => {
    // Prepare
    ec2.on(ModifySubnetAttributeCommand).resolves({});
    const step: SubnetStep = {
      action: 'ec2:ModifySubnetAttribute',
      input: { SubnetId: SUBNET, MapCustomerOwnedIpOnLaunch: { Value: true }, CustomerOwnedIpv4Pool: POOL },
      reason: 'undo: turn MapCustomerOwnedIpOnLaunch back on',
      before: { attribute: 'MapCustomerOwnedIpOnLaunch', value: false, customerOwnedIpv4Pool: POOL },
    };

    // Act
    await applySubnetStep(step, ctx());

    // Assess
    expect(ec2.calls()).toHaveLength(1);
    expect(ec2.commandCalls(ModifySubnetAttributeCommand)[0]?.args[0].input).toEqual(step.input);
  });

  it('passes the error on, and declares InvalidSubnetID.NotFound alone as already done', async () => {
    // Prepare
    ec2.on(ModifySubnetAttributeCommand).rejects(awsError('InvalidSubnetID.NotFound'));
    const step: SubnetStep = {
      action: 'ec2:ModifySubnetAttribute',
      input: { SubnetId: SUBNET, MapPublicIpOnLaunch: { Value: false } },
      reason: 'MapPublicIpOnLaunch is on',
      before: { attribute: 'MapPublicIpOnLaunch', value: true },
    };

    // Act
    const error = await applySubnetStep(step, ctx()).catch((e: unknown) => e);

    // Assess
    expect((error as Error).name).toBe('InvalidSubnetID.NotFound');
    expect(disableSubnetPublicIp.alreadyDoneErrors).toEqual(['InvalidSubnetID.NotFound']);
  });
});

import { describe, expect, it } from 'vitest';
import { EXAMPLE_CONTEXT } from '../test/helpers/synth-fixture.js';
import {
  CONTEXT_DEFAULTS,
  ContextError,
  REQUIRED_KEYS,
  readContext,
  readRegionalContexts,
} from './context.js';

const from = (values: Record<string, unknown>) => (key: string) => values[key];
const example = (changes: Record<string, unknown> = {}) => from({ ...EXAMPLE_CONTEXT, ...changes });

/** The error readContext throws, or undefined. */
function refusal(changes: Record<string, unknown>): ContextError | undefined {
  try {
    readContext(example(changes));
    return undefined;
  } catch (error) {
    return error as ContextError;
  }
}

describe('Function: readContext', () => {
  it('reads the example context, with a default for everything that is not a platform fact', () => {
    // Act
    const c = readContext(example());

    // Assess
    expect(c).toMatchObject({
      account: '111122223333',
      region: 'eu-west-2',
      partition: 'aws',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      privateSubnetIds: ['subnet-0a1b2c3d4e5f60711', 'subnet-0a1b2c3d4e5f60712'],
      availabilityZones: ['eu-west-2a', 'eu-west-2b'],
      s3PrefixListId: 'pl-7ca54015',
      dynamodbPrefixListId: 'pl-b3a742da',
      podCidrs: ['100.64.0.0/16'],
      breakGlassRoleArn: 'arn:aws:iam::111122223333:role/airlock-break-glass',
      rollbackRoleArns: [],
      mode: CONTEXT_DEFAULTS.mode,
      automaticRemediation: false,
      allowedAccounts: ['111122223333'],
      allowedRegions: ['eu-west-2'],
      auditRetentionDays: CONTEXT_DEFAULTS.auditRetentionDays,
      endpoints: { existing: {}, existingPeers: [] },
    });
    expect(c.endpoints.create).toEqual([
      'ec2',
      'eks',
      'ssm',
      'sts',
      'config',
      'sqs',
      'lambda',
      'kms',
      'events',
      'securityhub',
      's3',
      'dynamodb',
    ]);
    expect(c.publishing).toEqual({ eventBus: 'airlock-audit', createsBus: true, securityHubFindings: false });
    expect(c.reservedConcurrency).toBeUndefined();
    expect(c.auditShortRetentionDays).toBeUndefined();
  });

  it('refuses to go on without each platform fact, naming the missing key', () => {
    for (const key of REQUIRED_KEYS) {
      // Act
      const error = refusal({ [key]: undefined });

      // Assess
      expect({ key, error: error?.message }).toEqual({
        key,
        error: expect.stringContaining(`context ${key} `),
      });
      expect(error).toBeInstanceOf(ContextError);
      expect(error?.key).toBe(key);
    }
  });

  it.each([
    ['account', '12'],
    ['region', 'Europe'],
    ['vpcId', 'vpc-xyz'],
    ['vpcCidr', '10.40.0.1/16'],
    ['privateSubnetIds', 'subnet-0a1b2c3d4e5f60711,sg-0a1b2c3d4e5f60712'],
    [
      'privateSubnetIds',
      'subnet-0a1b2c3d4e5f60711,subnet-0a1b2c3d4e5f60712,subnet-0a1b2c3d4e5f60713',
      { availabilityZones: 'eu-west-2a,eu-west-2b' },
    ],
    ['privateRouteTableIds', 'rtb-0a1b2c3d4e5f60721'],
    ['privateRouteTableIds', 'rtb-0a1b2c3d4e5f60721,igw-0a1b2c3d4e5f60722'],
    ['availabilityZones', 'eu-west-1a,eu-west-1b'],
    ['s3PrefixListId', 'pl-nope'],
    ['dynamodbPrefixListId', 'com.amazonaws.eu-west-2.dynamodb'],
    ['podCidrs', '100.64.0.0/33'],
    ['podCidrs', '100.64.1.0/16'],
    ['podCidrs', '0.0.0.0/0'],
    ['publicRouteTableIds', 'rtb-x'],
    ['breakGlassRoleArn', 'arn:aws:iam::111122223333:user/alice'],
    ['breakGlassRoleArn', 'arn:aws-cn:iam::111122223333:role/break-glass'],
    ['rollbackRoleArns', 'soc-rollback'],
    ['rollbackRoleArns', 'arn:aws:iam::111122223333:role/soc,arn:aws-cn:iam::111122223333:role/soc'],
    ['mode', 'on'],
    ['allowedAccounts', '111122223333,12'],
    ['allowedRegions', 'eu-west-2,moon'],
    ['remediations', '[]'],
    ['remediations', '{not json'],
    ['createVpcEndpoints', 'yes'],
    ['existingEndpoints', 'ec2'],
    ['existingEndpoints', 'logs:vpce-0a1b2c3d4e5f60731'],
    // a reused interface endpoint needs its peers: the message names the key that is missing
    ['existingEndpoints', 'ec2:vpce-0a1b2c3d4e5f60731', {}, 'existingEndpointPeers'],
    ['existingEndpointPeers', 'vpc-0a1b2c3d4e5f60718'],
    ['auditRetentionDays', '0'],
    ['auditShortRetentionDays', '3000'],
    ['logRetentionDays', '100'],
    ['reservedConcurrency', '0'],
    ['sweepEveryMinutes', '1'],
    ['blastRadiusMaxWrites', 'many'],
  ] as [string, string, Record<string, string>?, string?][])(
    'refuses a malformed %s (%s), naming it',
    (key, value, also = {}, names = key) => {
      // Act
      const error = refusal({ ...also, [key]: value });

      // Assess
      expect(error).toBeInstanceOf(ContextError);
      expect(error?.key).toBe(names);
      expect(error?.message).toContain(`context ${names} `);
    },
  );

  it('reads command-line strings: JSON lists, comma lists, booleans, numbers, objects', () => {
    // Act
    const c = readContext(
      example({
        account: '222233334444',
        region: 'us-gov-west-1',
        breakGlassRoleArn: 'arn:aws-us-gov:iam::222233334444:role/break-glass',
        privateSubnetIds: '["subnet-aaaaaaaa","subnet-bbbbbbbb"]',
        privateRouteTableIds: 'rtb-aaaaaaaa, rtb-bbbbbbbb',
        availabilityZones: 'us-gov-west-1a,us-gov-west-1b',
        mode: 'enforce',
        auditRetentionDays: '3650',
        auditShortRetentionDays: '400',
        logRetentionDays: '731',
        reservedConcurrency: '5',
        remediations: '{"revoke-open-ssh":{"mode":"dry-run"}}',
      }),
    );

    // Assess
    expect(c).toMatchObject({
      account: '222233334444',
      partition: 'aws-us-gov',
      privateSubnetIds: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
      privateRouteTableIds: ['rtb-aaaaaaaa', 'rtb-bbbbbbbb'],
      mode: 'enforce',
      auditRetentionDays: 3650,
      auditShortRetentionDays: 400,
      logRetentionDays: 731,
      reservedConcurrency: 5,
      remediations: { 'revoke-open-ssh': { mode: 'dry-run' } },
    });
  });

  it('reuses the endpoints the VPC has and sends to their peers; without gateway endpoints needs no route tables', () => {
    // Act
    const c = readContext(
      example({
        existingEndpoints:
          'ec2:vpce-0a1b2c3d4e5f60731,s3:vpce-0a1b2c3d4e5f60732,dynamodb:vpce-0a1b2c3d4e5f60733',
        existingEndpointPeers: 'sg-0a1b2c3d4e5f60741,10.50.0.0/24',
        privateRouteTableIds: undefined,
      }),
    );
    const none = readContext(
      example({
        createVpcEndpoints: 'false',
        existingEndpointPeers: '10.50.0.0/24',
        privateRouteTableIds: undefined,
      }),
    );

    // Assess
    expect(c.endpoints).toEqual({
      create: ['eks', 'ssm', 'sts', 'config', 'sqs', 'lambda', 'kms', 'events', 'securityhub'],
      existing: {
        ec2: 'vpce-0a1b2c3d4e5f60731',
        s3: 'vpce-0a1b2c3d4e5f60732',
        dynamodb: 'vpce-0a1b2c3d4e5f60733',
      },
      existingPeers: ['sg-0a1b2c3d4e5f60741', '10.50.0.0/24'],
    });
    expect(none.endpoints.create).toEqual([]);
    expect(Object.values(none.endpoints.existing).every((id) => id === '*')).toBe(true);
  });
});

describe('Function: readContext (organization)', () => {
  const org = {
    organizationId: 'o-a1b2c3d4e5',
    externalId: 'airlock-o-a1b2c3d4e5',
    memberOrganizationalUnitIds: 'ou-ab12-cdef3456',
    memberRegions: 'eu-central-1,eu-west-2',
  };

  it('leaves the organization mode off without organizationId', () => {
    // Act
    const c = readContext(example());

    // Assess
    expect(c.organization).toBeUndefined();
  });

  it('reads the organization keys, with the member role in the central region and any org account allowed', () => {
    // Act
    const c = readContext(example(org));

    // Assess
    expect(c.organization).toEqual({
      organizationId: 'o-a1b2c3d4e5',
      externalId: 'airlock-o-a1b2c3d4e5',
      memberRoleName: 'airlock-member',
      memberOrganizationalUnitIds: ['ou-ab12-cdef3456'],
      memberRegions: ['eu-central-1', 'eu-west-2'],
      memberRoleRegion: 'eu-west-2',
      busName: 'airlock',
      stackSetCallAs: 'DELEGATED_ADMIN',
    });
    expect(c.allowedAccounts).toEqual(['*']);
    expect(c.allowedRegions).toEqual(['eu-west-2', 'eu-central-1']);
  });

  it('refuses an organization without external id or OUs, or with a malformed id', () => {
    // Act & Assess
    expect(() => readContext(example({ ...org, externalId: undefined }))).toThrow(/externalId/);
    expect(() => readContext(example({ ...org, memberOrganizationalUnitIds: undefined }))).toThrow(
      /memberOrganizationalUnitIds/,
    );
    expect(() => readContext(example({ ...org, organizationId: 'org-1' }))).toThrow(/organizationId/);
    expect(() => readContext(example({ ...org, memberRegions: 'eu-west-2,mars-1' }))).toThrow(
      /memberRegions/,
    );
    expect(() => readContext(example({ ...org, memberRoleRegion: 'us-east-1' }))).toThrow(/memberRoleRegion/);
    expect(() => readContext(example({ ...org, busName: 'default' }))).toThrow(/busName/);
    expect(() => readContext(example({ ...org, stackSetCallAs: 'ADMIN' }))).toThrow(/stackSetCallAs/);
  });
});

describe('Function: readRegionalContexts', () => {
  const network = {
    vpcId: 'vpc-0b1c2d3e4f5a60718',
    privateSubnetIds: ['subnet-0b1c2d3e4f5a60711', 'subnet-0b1c2d3e4f5a60712'],
    privateRouteTableIds: ['rtb-0b1c2d3e4f5a60721', 'rtb-0b1c2d3e4f5a60722'],
    s3PrefixListId: 'pl-6ea54007',
    dynamodbPrefixListId: 'pl-66a5400f',
  };
  const twoRegions = (entry: Record<string, unknown> = network, more: Record<string, unknown> = {}) =>
    example({
      regions: 'eu-west-2,eu-central-1',
      regionContext: JSON.stringify({ 'eu-central-1': entry }),
      ...more,
    });
  const refusalOf = (get: (key: string) => unknown): string => {
    try {
      readRegionalContexts(get);
      return '';
    } catch (error) {
      expect(error).toBeInstanceOf(ContextError);
      return (error as Error).message;
    }
  };

  it('reads one context per region, the primary first, each with its own network and the same settings', () => {
    // Act
    const [primary, other, ...rest] = readRegionalContexts(twoRegions(network, { mode: 'enforce' }));

    // Assess
    expect(rest).toEqual([]);
    expect(primary).toMatchObject({
      region: 'eu-west-2',
      regions: ['eu-west-2', 'eu-central-1'],
      vpcId: EXAMPLE_CONTEXT.vpcId,
      allowedRegions: ['eu-west-2', 'eu-central-1'],
      mode: 'enforce',
    });
    expect(other).toMatchObject({
      ...network,
      region: 'eu-central-1',
      regions: ['eu-west-2', 'eu-central-1'],
      availabilityZones: ['eu-central-1a', 'eu-central-1b'],
      account: primary?.account,
      breakGlassRoleArn: primary?.breakGlassRoleArn,
      allowedRegions: ['eu-west-2', 'eu-central-1'],
      mode: 'enforce',
    });
  });

  it('reads one region by default, and the member regions default to the regions', () => {
    // Act
    const one = readRegionalContexts(example());
    const [org] = readRegionalContexts(
      twoRegions(network, {
        organizationId: 'o-a1b2c3d4e5',
        externalId: 'x-1',
        memberOrganizationalUnitIds: 'r-ab12',
      }),
    );

    // Assess
    expect(one.map((c) => [c.region, c.regions])).toEqual([['eu-west-2', ['eu-west-2']]]);
    expect(org?.organization).toMatchObject({
      memberRegions: ['eu-west-2', 'eu-central-1'],
      memberRoleRegion: 'eu-west-2',
    });
  });

  it("stops on a region's missing or malformed network key, naming the region and the key", () => {
    // Act & Assess
    const { vpcId: _, ...noVpc } = network;
    expect(refusalOf(twoRegions(noVpc))).toBe(
      'context regionContext.eu-central-1.vpcId is required: a VPC id (vpc-…)',
    );
    expect(refusalOf(twoRegions({ ...network, s3PrefixListId: 'pl-1' }))).toBe(
      'context regionContext.eu-central-1.s3PrefixListId must be the S3 managed prefix list id (pl-…), got "pl-1"',
    );
    expect(refusalOf(twoRegions({ ...network, availabilityZones: ['eu-west-2a', 'eu-west-2b'] }))).toBe(
      'context regionContext.eu-central-1.availabilityZones must be zones of eu-central-1 (eu-central-1a, …)',
    );
  });

  it('refuses a region without its network, an unknown key, a stray region and malformed regions', () => {
    // Act & Assess
    expect(refusalOf(example({ regions: 'eu-west-2,eu-central-1' }))).toMatch(
      /^context regionContext has no entry for eu-central-1/,
    );
    expect(refusalOf(twoRegions({ ...network, vpcid: 'vpc-0b1c2d3e4f5a60718' }))).toMatch(
      /^context regionContext is malformed: eu-central-1: .*vpcid/,
    );
    expect(refusalOf(twoRegions(network, { regionContext: '{"eu-central-1":' }))).toBe(
      'context regionContext must be a JSON object keyed by region',
    );
    expect(
      refusalOf(
        twoRegions(network, {
          regionContext: JSON.stringify({ 'eu-central-1': network, 'us-east-1': network }),
        }),
      ),
    ).toBe(
      'context regionContext has an entry for us-east-1, which is not in regions (eu-west-2, eu-central-1)',
    );
    expect(refusalOf(example({ regions: 'eu-central-1,eu-west-2' }))).toBe(
      'context regions must start with region (eu-west-2): the first is the primary region',
    );
    expect(refusalOf(example({ regions: 'eu-west-2,eu-west-2' }))).toBe(
      'context regions names a region twice',
    );
    expect(refusalOf(example({ regions: 'eu-west-2,cn-north-1' }))).toBe(
      'context regions mixes partitions: cn-north-1 is not in the partition of eu-west-2',
    );
  });
});

import { DescribeSubnetsCommand, ModifySubnetAttributeCommand, type Subnet } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { disableSubnetPublicIpCloudTrail } from '../../../functions/disable-subnet-public-ip/cloudtrail.js';
import { parseCloudTrailEvent } from '../../../shared/cloudtrail.js';
import { listRealWorld, loadRealWorld } from '../../../test/helpers/fixtures.js';
import { ACCOUNT, ec2With, errorOf, normalize, REGION } from '../../../test/helpers/simulated-ec2.js';
import { SimulatedCloud } from '../cloud.js';
import { cloudTrailEventFor } from '../cloudtrail.js';
import { sampleSimState } from '../sample.js';
import { snapshotAccount } from '../snapshot.js';
import { subnet } from './subnets.js';

const published = (): Subnet[] => [
  ...listRealWorld('api/ec2/describe-subnets').flatMap(
    (f) => loadRealWorld<{ Subnets: Subnet[] }>(`api/ec2/describe-subnets/${f}`).Subnets,
  ),
  ...listRealWorld('api/ec2/create-subnet').map(
    (f) => loadRealWorld<{ Subnet: Subnet }>(`api/ec2/create-subnet/${f}`).Subnet,
  ),
];

/** Seven subnets in one VPC (ids `subnet-0000000000000000N`), the first two mapping public IPs. */
const seven = () =>
  Array.from({ length: 7 }, (_, i) => ({
    SubnetId: `subnet-${i.toString(16).padStart(17, '0')}`,
    VpcId: i < 5 ? 'vpc-0a' : 'vpc-0b',
    CidrBlock: `10.0.${i}.0/24`,
    MapPublicIpOnLaunch: i < 2,
    Tags: [{ Key: 'tier', Value: i < 2 ? 'public' : 'private' }],
  }));

describe('Function: simulated EC2', () => {
  describe('subnets', () => {
    it('returns the published subnets it was seeded with, by id too', async () => {
      // Prepare
      const subnets = published();
      const { sim, ec2 } = await ec2With({ subnets: subnets as never });

      // Act
      const all = await ec2.send(new DescribeSubnetsCommand({}));
      const one = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnets[1]!.SubnetId!] }));
      await sim.close();

      // Assess
      expect(subnets.length).toBeGreaterThanOrEqual(5);
      expect(normalize(all.Subnets)).toEqual(normalize(subnets));
      expect(normalize(one.Subnets)).toEqual(normalize([subnets[1]]));
    });

    it('filters by VPC, launch addressing and tag, and pages through the subnets', async () => {
      // Prepare
      const { sim, ec2 } = await ec2With({ subnets: seven() as never });

      // Act
      const inVpc = await ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: ['vpc-0b'] }] }),
      );
      const mapping = await ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: 'map-public-ip-on-launch', Values: ['true'] }] }),
      );
      const tagged = await ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: 'tag:tier', Values: ['priv*'] }] }),
      );
      const first = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
      const second = await ec2.send(
        new DescribeSubnetsCommand({ MaxResults: 5, NextToken: first.NextToken }),
      );
      const unknownFilter = await errorOf(
        ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'no-such-filter', Values: ['x'] }] })),
      );
      const tooFew = await errorOf(ec2.send(new DescribeSubnetsCommand({ MaxResults: 2 })));
      await sim.close();

      // Assess
      const ids = (out: { Subnets?: Subnet[] }) => out.Subnets?.map((s) => s.SubnetId?.slice(-1));
      expect(ids(inVpc)).toEqual(['5', '6']);
      expect(ids(mapping)).toEqual(['0', '1']);
      expect(ids(tagged)).toEqual(['2', '3', '4', '5', '6']);
      expect(ids(first)).toEqual(['0', '1', '2', '3', '4']);
      expect(ids(second)).toEqual(['5', '6']);
      expect(second.NextToken).toBeUndefined();
      expect(unknownFilter?.name).toBe('InvalidParameterValue');
      expect(tooFew?.name).toBe('InvalidParameterValue');
    });

    it('fails with InvalidSubnetID.NotFound for a subnet that does not exist, to describe or modify', async () => {
      // Prepare
      const { sim, ec2 } = await ec2With({ subnets: seven() as never });
      const missing = 'subnet-0fffffffffffffff0';

      // Act
      const described = await errorOf(ec2.send(new DescribeSubnetsCommand({ SubnetIds: [missing] })));
      const modified = await errorOf(
        ec2.send(
          new ModifySubnetAttributeCommand({ SubnetId: missing, MapPublicIpOnLaunch: { Value: false } }),
        ),
      );
      await sim.close();

      // Assess
      expect(described?.name).toBe('InvalidSubnetID.NotFound');
      expect(described?.message).toBe(`The subnet ID '${missing}' does not exist`);
      expect(modified?.name).toBe('InvalidSubnetID.NotFound');
    });

    it('modifies one attribute per call and refuses two, none, or customer-owned addressing without a pool', async () => {
      // Prepare
      const { sim, ec2 } = await ec2With({ subnets: seven() as never });
      const id = 'subnet-00000000000000000';
      const modify = (input: Record<string, unknown>) =>
        errorOf(ec2.send(new ModifySubnetAttributeCommand({ SubnetId: id, ...input })));

      // Act
      const off = await modify({ MapPublicIpOnLaunch: { Value: false } });
      const two = await modify({
        MapPublicIpOnLaunch: { Value: true },
        AssignIpv6AddressOnCreation: { Value: true },
      });
      const none = await modify({});
      const noPool = await modify({ MapCustomerOwnedIpOnLaunch: { Value: true } });
      const withPool = await modify({
        MapCustomerOwnedIpOnLaunch: { Value: true },
        CustomerOwnedIpv4Pool: 'ipv4pool-coip-0123456789abcdef0',
      });
      const after = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [id] }));
      await sim.close();

      // Assess
      expect([off, withPool]).toEqual([undefined, undefined]);
      expect(two?.name).toBe('InvalidParameterCombination');
      expect(two?.message).toBe(
        'Only one subnet attribute can be modified at a time. Provided attributes: [assignIpv6AddressOnCreation, mapPublicIpOnLaunch]',
      );
      expect(none?.name).toBe('MissingParameter');
      expect(noPool?.name).toBe('MissingParameter');
      expect(after.Subnets?.[0]).toMatchObject({
        MapPublicIpOnLaunch: false,
        MapCustomerOwnedIpOnLaunch: true,
        CustomerOwnedIpv4Pool: 'ipv4pool-coip-0123456789abcdef0',
      });
    });

    it('logs the change so that its CloudTrail event names the subnet for the fast path', async () => {
      // Prepare
      const { sim, ec2 } = await ec2With({ subnets: seven() as never });
      const id = 'subnet-00000000000000002';

      // Act
      await ec2.send(
        new ModifySubnetAttributeCommand({ SubnetId: id, MapPublicIpOnLaunch: { Value: true } }),
      );
      const [change] = sim.changes();
      await sim.close();
      const event = cloudTrailEventFor(change!, {
        roleArn: `arn:aws:iam::${ACCOUNT}:role/PlatformAdmin`,
        sessionName: 'alice',
        sourceIp: '198.51.100.24',
      });

      // Assess
      expect(change).toMatchObject({ api: 'ec2:ModifySubnetAttribute', resourceId: id, region: REGION });
      expect(event?.detail.requestParameters).toEqual({ subnetId: id, mapPublicIpOnLaunch: { value: true } });
      expect(parseCloudTrailEvent(event, disableSubnetPublicIpCloudTrail)).toMatchObject({
        resourceType: 'AWS::EC2::Subnet',
        resourceId: id,
        rule: 'cloudtrail:ModifySubnetAttribute',
      });
    });

    it('is read by `sim snapshot` into a state that reproduces the subnets', async () => {
      // Prepare
      const source = sampleSimState();
      const sim = await SimulatedCloud.create(source, { dynamodb: false });

      // Act
      const { state, warnings } = await snapshotAccount(sim.clientFactory(), 'eu-west-2');
      await sim.close();

      // Assess
      expect(warnings).toEqual([]);
      const want = source.accounts['111122223333']!.regions['eu-west-2']!.subnets;
      expect(want).toHaveLength(3);
      expect(state.accounts['111122223333']!.regions['eu-west-2']!.subnets).toEqual(want);
    });

    it('builds subnets placed in an account: owner, ARN, IPv6-only without an IPv4 block', () => {
      // Prepare
      const view = { subnets: [] as unknown[] };

      // Act
      subnet({
        id: 'subnet-0a',
        vpc: 'vpc-0a',
        ipv6Cidrs: ['2600:1f13:cfe:3660::/64'],
        assignIpv6: true,
      }).addTo(view, { account: ACCOUNT, region: REGION });

      // Assess
      expect(view.subnets[0]).toMatchObject({
        SubnetId: 'subnet-0a',
        OwnerId: ACCOUNT,
        SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-0a`,
        Ipv6Native: true,
        AssignIpv6AddressOnCreation: true,
        MapPublicIpOnLaunch: false,
        Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2600:1f13:cfe:3660::/64' }],
      });
      expect(view.subnets[0]).not.toHaveProperty('CidrBlock');
    });
  });
});

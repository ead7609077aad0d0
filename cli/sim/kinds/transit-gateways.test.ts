import {
  CreateTransitGatewayRouteCommand,
  DeleteTransitGatewayRouteCommand,
  DescribeTransitGatewayRouteTablesCommand,
  type EC2Client,
  SearchTransitGatewayRoutesCommand,
  type TransitGatewayRoute,
  type TransitGatewayRouteTable,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { loadRealWorld } from '../../../test/helpers/fixtures.js';
import { ec2With, errorOf, normalize } from '../../../test/helpers/simulated-ec2.js';

describe('Function: simulated EC2', () => {
  describe('transit gateway route tables', () => {
    const described = loadRealWorld<{ TransitGatewayRouteTables: TransitGatewayRouteTable[] }>(
      'api/ec2/transit-gateway/awscli__DescribeTransitGatewayRouteTables.json',
    );
    const searched = loadRealWorld<{ Routes: TransitGatewayRoute[]; AdditionalRoutesAvailable: boolean }>(
      'api/ec2/transit-gateway/awscli__SearchTransitGatewayRoutes__static-routes__AdditionalRoutesAvailable-false.json',
    );
    const tableId = described.TransitGatewayRouteTables[0]!.TransitGatewayRouteTableId!;
    const attachment = searched.Routes[0]!.TransitGatewayAttachments![0]!;
    const propagated = (cidr: string): TransitGatewayRoute => ({
      DestinationCidrBlock: cidr,
      TransitGatewayAttachments: [attachment],
      Type: 'propagated',
      State: 'active',
    });
    const seeded = (extra: TransitGatewayRoute[] = []) =>
      ec2With({
        transitGatewayRouteTables: described.TransitGatewayRouteTables.map((t, i) => ({
          ...t,
          Routes: i === 0 ? [...searched.Routes, ...extra] : [],
        })) as never,
      });
    const search = (ec2: EC2Client, Filters: { Name: string; Values: string[] }[], MaxResults?: number) =>
      ec2.send(
        new SearchTransitGatewayRoutesCommand({ TransitGatewayRouteTableId: tableId, Filters, MaxResults }),
      );

    it('describes the route tables it was seeded with, and fails for an unknown one', async () => {
      // Prepare
      const { sim, ec2 } = await seeded();

      // Act
      const out = await ec2.send(new DescribeTransitGatewayRouteTablesCommand({}));
      const missing = await errorOf(
        ec2.send(
          new DescribeTransitGatewayRouteTablesCommand({
            TransitGatewayRouteTableIds: ['tgw-rtb-0000000000000000f'],
          }),
        ),
      );
      await sim.close();

      // Assess
      expect(normalize(out.TransitGatewayRouteTables)).toEqual(
        normalize(described.TransitGatewayRouteTables),
      );
      expect(missing?.name).toBe('InvalidRouteTableID.NotFound');
    });

    it('returns the recorded search response for static routes', async () => {
      // Prepare
      const { sim, ec2 } = await seeded([propagated('10.9.0.0/16')]);

      // Act
      const out = await search(ec2, [{ Name: 'type', Values: ['static'] }]);
      await sim.close();

      // Assess
      const { $metadata: _m, ...body } = out;
      expect(body).toEqual(searched);
    });

    it('applies exact, subnet-of, supernet-of and longest-prefix filters on the CIDR', async () => {
      // Prepare
      const { sim, ec2 } = await seeded([
        propagated('10.0.0.0/8'),
        propagated('0.0.0.0/0'),
        propagated('10.0.2.128/25'),
      ]);
      const cidrs = (out: { Routes?: TransitGatewayRoute[] }) =>
        (out.Routes ?? []).map((r) => r.DestinationCidrBlock).sort();

      // Act
      const exact = await search(ec2, [{ Name: 'route-search.exact-match', Values: ['10.0.2.0/24'] }]);
      const subnets = await search(ec2, [{ Name: 'route-search.subnet-of-match', Values: ['10.0.0.0/16'] }]);
      const supernets = await search(ec2, [
        { Name: 'route-search.supernet-of-match', Values: ['10.0.2.0/24'] },
      ]);
      const longest = await search(ec2, [
        { Name: 'route-search.longest-prefix-match', Values: ['10.0.2.200/32'] },
      ]);
      const both = await search(ec2, [
        { Name: 'route-search.subnet-of-match', Values: ['10.0.0.0/8'] },
        { Name: 'type', Values: ['propagated'] },
      ]);
      await sim.close();

      // Assess
      expect(cidrs(exact)).toEqual(['10.0.2.0/24']);
      expect(cidrs(subnets)).toEqual(['10.0.2.0/24', '10.0.2.128/25']);
      expect(cidrs(supernets)).toEqual(['0.0.0.0/0', '10.0.0.0/8', '10.0.2.0/24']);
      expect(cidrs(longest)).toEqual(['10.0.2.128/25']);
      expect(cidrs(both)).toEqual(['10.0.0.0/8', '10.0.2.128/25']);
    });

    it('says when more routes are available than MaxResults', async () => {
      // Prepare
      const extra = ['100.64.0.0/16', '100.64.1.0/24', '100.64.2.0/24', '100.64.3.0/24', '100.64.4.0/24'].map(
        propagated,
      );
      const { sim, ec2 } = await seeded(extra);

      // Act
      const out = await search(ec2, [{ Name: 'state', Values: ['active'] }], 5);
      await sim.close();

      // Assess
      expect(out.Routes).toHaveLength(5);
      expect(out.AdditionalRoutesAvailable).toBe(true);
    });

    it('lets a static blackhole route override a propagated one, which returns once the static route is deleted', async () => {
      // Prepare
      const { sim, ec2 } = await seeded([propagated('100.64.0.0/16')]);
      const pod = [{ Name: 'route-search.exact-match', Values: ['100.64.0.0/16'] }];

      // Act
      const refused = await errorOf(
        ec2.send(
          new DeleteTransitGatewayRouteCommand({
            TransitGatewayRouteTableId: tableId,
            DestinationCidrBlock: '100.64.0.0/16',
          }),
        ),
      );
      const created = await ec2.send(
        new CreateTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: tableId,
          DestinationCidrBlock: '100.64.0.0/16',
          Blackhole: true,
        }),
      );
      const duplicate = await errorOf(
        ec2.send(
          new CreateTransitGatewayRouteCommand({
            TransitGatewayRouteTableId: tableId,
            DestinationCidrBlock: '100.64.0.0/16',
            Blackhole: true,
          }),
        ),
      );
      const overridden = await search(ec2, pod);
      const deleted = await ec2.send(
        new DeleteTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: tableId,
          DestinationCidrBlock: '100.64.0.0/16',
        }),
      );
      const restored = await search(ec2, pod);
      await sim.close();

      // Assess
      expect(refused?.name).toBe('InvalidParameterValue');
      expect(created.Route).toEqual({
        DestinationCidrBlock: '100.64.0.0/16',
        Type: 'static',
        State: 'blackhole',
      });
      expect(duplicate?.name).toBe('RouteAlreadyExists');
      expect(overridden.Routes).toEqual([created.Route]);
      expect(deleted.Route?.State).toBe('deleted');
      expect(restored.Routes).toEqual([propagated('100.64.0.0/16')]);
    });

    it('deletes a static route like the recorded response, then reports it not found', async () => {
      // Prepare
      const recorded = loadRealWorld<{ Route: TransitGatewayRoute }>(
        'api/ec2/transit-gateway/awscli__DeleteTransitGatewayRoute__static-route-state-deleted.json',
      );
      const { sim, ec2 } = await ec2With({
        transitGatewayRouteTables: [
          { TransitGatewayRouteTableId: tableId, Routes: [{ ...recorded.Route, State: 'active' }] },
        ] as never,
      });
      const input = { TransitGatewayRouteTableId: tableId, DestinationCidrBlock: '10.0.2.0/24' };

      // Act
      const out = await ec2.send(new DeleteTransitGatewayRouteCommand(input));
      const again = await errorOf(ec2.send(new DeleteTransitGatewayRouteCommand(input)));
      await sim.close();

      // Assess
      expect(out.Route).toEqual(recorded.Route);
      expect(again?.name).toBe('InvalidRoute.NotFound');
    });

    it('creates a static route to a known attachment with its resource', async () => {
      // Prepare
      const { sim, ec2 } = await seeded();

      // Act
      const out = await ec2.send(
        new CreateTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: tableId,
          DestinationCidrBlock: '10.5.0.0/16',
          TransitGatewayAttachmentId: attachment.TransitGatewayAttachmentId,
        }),
      );
      await sim.close();

      // Assess
      expect(out.Route).toEqual({
        DestinationCidrBlock: '10.5.0.0/16',
        TransitGatewayAttachments: [attachment],
        Type: 'static',
        State: 'active',
      });
    });
  });
});

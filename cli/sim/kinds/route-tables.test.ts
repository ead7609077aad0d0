import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  DisassociateRouteTableCommand,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { listRealWorld, loadPlacebo, loadRealWorld } from '../../../test/helpers/fixtures.js';
import { ec2With, errorOf, normalize } from '../../../test/helpers/simulated-ec2.js';

describe('Function: simulated EC2', () => {
  describe('route tables', () => {
    const recordings = listRealWorld('api/ec2/describe-route-tables');
    const tablesOf = (file: string) => {
      const raw = loadRealWorld<{ status_code?: number }>(`api/ec2/describe-route-tables/${file}`);
      return (
        'status_code' in raw
          ? loadPlacebo<{ RouteTables: RouteTable[] }>(`api/ec2/describe-route-tables/${file}`)
          : (raw as { RouteTables: RouteTable[] })
      ).RouteTables;
    };

    it.each(recordings)('returns the route tables it was seeded with from %s', async (file) => {
      // Prepare
      const tables = tablesOf(file);
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      const out = await ec2.send(new DescribeRouteTablesCommand({}));
      await sim.close();

      // Assess
      expect(normalize(out.RouteTables)).toEqual(normalize(tables));
    });

    it('disassociates a subnet (never the main association) and associates it again, as EC2 answers', async () => {
      // Prepare: the recorded answer whose ingress table serves subnet-0fba8806c8acb78c9
      const tables = tablesOf(
        'placebo__13-tables__nat__igw__vpce-gateway-endpoint__prefix-list-destinations.json',
      );
      const ingress = tables.find((t) => t.RouteTableId === 'rtb-036b56057df88bd48')!;
      const association = ingress.Associations![0]!;
      const main = tables.flatMap((t) => t.Associations ?? []).find((a) => a.Main)!;
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });
      const read = async () =>
        (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-036b56057df88bd48'] })))
          .RouteTables?.[0]?.Associations ?? [];

      // Act
      await ec2.send(
        new DisassociateRouteTableCommand({ AssociationId: association.RouteTableAssociationId }),
      );
      const afterOff = await read();
      const again = await errorOf(
        ec2.send(new DisassociateRouteTableCommand({ AssociationId: association.RouteTableAssociationId })),
      );
      const mainRefused = await errorOf(
        ec2.send(new DisassociateRouteTableCommand({ AssociationId: main.RouteTableAssociationId })),
      );
      const joined = await ec2.send(
        new AssociateRouteTableCommand({
          RouteTableId: 'rtb-036b56057df88bd48',
          SubnetId: association.SubnetId,
        }),
      );
      const twice = await errorOf(
        ec2.send(
          new AssociateRouteTableCommand({
            RouteTableId: 'rtb-0123fa60166cf0a3b',
            SubnetId: association.SubnetId,
          }),
        ),
      );
      const afterOn = await read();
      await sim.close();

      // Assess
      expect(afterOff).toEqual([]);
      expect(again).toMatchObject({ name: 'InvalidAssociationID.NotFound' });
      expect(mainRefused).toMatchObject({ name: 'InvalidParameterValue' });
      expect(joined.AssociationId).toMatch(/^rtbassoc-[0-9a-f]{17}$/);
      expect(twice).toMatchObject({ name: 'Resource.AlreadyAssociated' });
      expect(afterOn).toEqual([
        expect.objectContaining({
          SubnetId: association.SubnetId,
          RouteTableAssociationId: joined.AssociationId,
        }),
      ]);
    });

    it('filters by route target and pages through the tables', async () => {
      // Prepare
      const tables = tablesOf(
        'placebo__13-tables__nat__igw__vpce-gateway-endpoint__prefix-list-destinations.json',
      );
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      const nat = await ec2.send(
        new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.nat-gateway-id', Values: ['nat-*'] }] }),
      );
      const first = await ec2.send(new DescribeRouteTablesCommand({ MaxResults: 5 }));
      const second = await ec2.send(
        new DescribeRouteTablesCommand({ MaxResults: 5, NextToken: first.NextToken }),
      );
      await sim.close();

      // Assess
      const expected = tables.filter((t) => t.Routes?.some((r) => r.NatGatewayId)).map((t) => t.RouteTableId);
      expect(expected.length).toBeGreaterThan(0);
      expect(nat.RouteTables?.map((t) => t.RouteTableId)).toEqual(expected);
      expect(first.RouteTables).toHaveLength(5);
      expect(second.RouteTables?.[0]?.RouteTableId).toBe(tables[5]?.RouteTableId);
    });

    it('deletes a route by its exact destination, then reports it not found', async () => {
      // Prepare
      const tables = tablesOf(
        'placebo__13-tables__nat__igw__vpce-gateway-endpoint__prefix-list-destinations.json',
      );
      const withPl = tables.find((t) => t.Routes?.some((r) => r.DestinationPrefixListId))!;
      const pl = withPl.Routes!.find((r) => r.DestinationPrefixListId)!.DestinationPrefixListId!;
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      await ec2.send(
        new DeleteRouteCommand({ RouteTableId: withPl.RouteTableId, DestinationPrefixListId: pl }),
      );
      const again = await errorOf(
        ec2.send(new DeleteRouteCommand({ RouteTableId: withPl.RouteTableId, DestinationPrefixListId: pl })),
      );
      const after = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [withPl.RouteTableId!] }));
      await sim.close();

      // Assess
      expect(again?.name).toBe('InvalidRoute.NotFound');
      expect(after.RouteTables?.[0]?.Routes).toHaveLength(withPl.Routes!.length - 1);
    });

    it('deletes an IPv6 route by DestinationIpv6CidrBlock', async () => {
      // Prepare
      const id = 'rtb-0ipv6000000000001';
      const { sim, ec2 } = await ec2With({
        routeTables: [
          {
            RouteTableId: id,
            Routes: [
              {
                DestinationCidrBlock: '10.0.0.0/16',
                GatewayId: 'local',
                Origin: 'CreateRouteTable',
                State: 'active',
              },
              {
                DestinationIpv6CidrBlock: '::/0',
                EgressOnlyInternetGatewayId: 'eigw-0123456789abcdef0',
                Origin: 'CreateRoute',
                State: 'active',
              },
            ],
          },
        ] as never,
      });

      // Act
      const wrongFamily = await errorOf(
        ec2.send(new DeleteRouteCommand({ RouteTableId: id, DestinationCidrBlock: '0.0.0.0/0' })),
      );
      await ec2.send(new DeleteRouteCommand({ RouteTableId: id, DestinationIpv6CidrBlock: '::/0' }));
      const after = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }));
      await sim.close();

      // Assess
      expect(wrongFamily?.name).toBe('InvalidRoute.NotFound');
      expect(after.RouteTables?.[0]?.Routes?.map((r) => r.GatewayId)).toEqual(['local']);
    });

    it('never deletes the local route, and fails for an unknown table', async () => {
      // Prepare
      const tables = tablesOf('placebo__4-tables__igw-default-route__local.json');
      const table = tables[0]!;
      const local = table.Routes!.find((r) => r.GatewayId === 'local')!;
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      const refused = await errorOf(
        ec2.send(
          new DeleteRouteCommand({
            RouteTableId: table.RouteTableId,
            DestinationCidrBlock: local.DestinationCidrBlock,
          }),
        ),
      );
      const unknown = await errorOf(
        ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: ['rtb-0000000000000000f'] })),
      );
      await sim.close();

      // Assess
      expect(refused?.name).toBe('InvalidParameterValue');
      expect(unknown?.name).toBe('InvalidRouteTableID.NotFound');
    });

    it('creates a route, and refuses a second one for the same destination', async () => {
      // Prepare
      const tables = tablesOf('botocore-example__single-table__local-route-only.json');
      const id = tables[0]!.RouteTableId!;
      const { sim, ec2 } = await ec2With({ routeTables: tables as never });

      // Act
      await ec2.send(
        new CreateRouteCommand({
          RouteTableId: id,
          DestinationCidrBlock: '0.0.0.0/0',
          NatGatewayId: 'nat-0123456789abcdef0',
        }),
      );
      const duplicate = await errorOf(
        ec2.send(
          new CreateRouteCommand({
            RouteTableId: id,
            DestinationCidrBlock: '0.0.0.0/0',
            GatewayId: 'igw-0123456789abcdef0',
          }),
        ),
      );
      const after = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }));
      await sim.close();

      // Assess
      expect(duplicate?.name).toBe('RouteAlreadyExists');
      expect(after.RouteTables?.[0]?.Routes).toContainEqual({
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: 'nat-0123456789abcdef0',
        Origin: 'CreateRoute',
        State: 'active',
      });
    });
  });
});

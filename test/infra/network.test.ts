import { beforeAll, describe, expect, it } from 'vitest';
import { isStarOnlyAction } from '../../infra/permissions.js';
import {
  asList,
  EXAMPLE_ORGANIZATION,
  flattenReferences,
  type StatementJson,
  type Synthesized,
  synthesize,
} from '../helpers/synth-fixture.js';

interface Endpoint {
  ServiceName: unknown;
  VpcEndpointType: string;
  PolicyDocument?: { Statement: StatementJson[] };
  RouteTableIds?: string[];
}

const ROLE = /^arn:aws:iam::111122223333:role\/airlock-[a-z0-9-]+$/;

function endpointsOf(s: Synthesized): Map<string, Endpoint> {
  return new Map(
    Object.values(s.template.findResources('AWS::EC2::VPCEndpoint')).map((e) => {
      const p = e.Properties as Endpoint;
      return [flattenReferences(p.ServiceName).split('.').at(-1)!, p];
    }),
  );
}

let s: Synthesized;
let reusing: Synthesized;
let org: Synthesized;

beforeAll(async () => {
  [s, reusing, org] = await Promise.all([
    synthesize(),
    synthesize({
      context: {
        existingEndpoints: 'ec2:vpce-0a1b2c3d4e5f60731,s3:vpce-0a1b2c3d4e5f60732',
        existingEndpointPeers: 'sg-0a1b2c3d4e5f60741',
      },
    }),
    synthesize({ context: EXAMPLE_ORGANIZATION }),
  ]);
}, 300_000);

describe('Function: Network (endpoint policies)', () => {
  it("admits on every endpoint only airlock's roles, for that service's actions, on their resources", () => {
    for (const [service, endpoint] of endpointsOf(s)) {
      // Act
      const statements = endpoint.PolicyDocument?.Statement ?? [];

      // Assess
      expect({ service, count: statements.length > 0 }).toEqual({ service, count: true });
      for (const st of statements) {
        const actions = asList(st.Action);
        expect(st.Effect).toBe('Allow');
        expect(st.Principal).toEqual({ AWS: '*' });
        expect(asList(st.Condition?.ArnEquals?.['aws:PrincipalArn'] as string)).toEqual([
          expect.stringMatching(ROLE),
        ]);
        expect(actions.every((a) => a.startsWith(`${service}:`) && !a.includes('*'))).toBe(true);
        if (asList(st.Resource).includes('*')) {
          expect(actions.filter((a) => !isStarOnlyAction(a))).toEqual([]);
        }
      }
    }
  });

  it('lets the S3 gateway route reach the audit bucket, and other buckets of the account only for the S3 remediation', () => {
    // Prepare
    const auditId = s.stack.getLogicalId(s.stack.storage.audit.node.defaultChild as never);
    const statements = endpointsOf(s).get('s3')!.PolicyDocument!.Statement;

    // Act
    const writes = statements.filter((st) => asList(st.Action).includes('s3:PutObject'));
    const others = statements.filter((st) => !asList(st.Action).includes('s3:PutObject'));

    // Assess
    expect(writes.length).toBe(s.registries.remediations.length);
    for (const st of writes) {
      expect(asList(st.Action)).toEqual(['s3:PutObject']);
      expect(flattenReferences(st.Resource)).toBe(`<${auditId}.Arn>/audit/*`);
    }
    for (const st of others) {
      expect(st.Condition?.ArnEquals?.['aws:PrincipalArn']).toBe(
        'arn:aws:iam::111122223333:role/airlock-block-public-s3',
      );
      expect(st.Condition?.StringEquals?.['s3:ResourceAccount']).toBe('111122223333');
    }
  });

  it('lets the DynamoDB gateway route reach the airlock table only', () => {
    // Prepare
    const tableId = s.stack.getLogicalId(s.stack.storage.table.node.defaultChild as never);

    // Act
    const statements = endpointsOf(s).get('dynamodb')!.PolicyDocument!.Statement;

    // Assess
    expect(statements.length).toBeGreaterThan(0);
    for (const st of statements)
      expect(asList(st.Resource).map(flattenReferences)).toEqual([`<${tableId}.Arn>`]);
  });

  it('adds the gateway endpoints to the private route tables only', () => {
    for (const service of ['s3', 'dynamodb']) {
      // Act & Assess
      expect(endpointsOf(s).get(service)!.RouteTableIds).toEqual([...s.context.privateRouteTableIds]);
    }
  });

  it('admits the member roles of the organization only on the endpoints of the services they call', () => {
    // Prepare
    const endpoints = endpointsOf(org);

    // Act
    const member = [...endpoints].flatMap(([service, e]) =>
      (e.PolicyDocument?.Statement ?? [])
        .filter((st) => st.Condition?.ArnLike)
        .map((st) => ({ service, st })),
    );
    const sts = endpoints.get('sts')!.PolicyDocument!.Statement;

    // Assess
    expect(member.length).toBeGreaterThan(0);
    for (const { st } of member) {
      expect(st.Condition).toEqual({
        ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/airlock-member' },
        StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
      });
    }
    expect(sts.flatMap((st) => asList(st.Action))).toEqual(expect.arrayContaining(['sts:AssumeRole']));
    expect(endpointsOf(s).has('sts')).toBe(false);
  });
});

describe('Function: Network (endpoints the VPC has)', () => {
  it('creates none of the endpoints named as existing, and the others as before', () => {
    // Act
    const services = [...endpointsOf(reusing).keys()].sort();

    // Assess
    expect(services).toEqual(['config', 'dynamodb', 'eks', 'events', 'kms', 'lambda', 'sqs', 'ssm']);
  });

  it("sends HTTPS to the existing endpoints' security group, airlock's endpoint group and the prefix lists, never to the VPC CIDR", () => {
    // Prepare
    const group = reusing.stack.getLogicalId(reusing.stack.network.securityGroup.node.defaultChild as never);
    const endpointGroup = reusing.stack.getLogicalId(
      reusing.stack.network.node.findChild('EndpointSecurityGroup').node.defaultChild as never,
    );

    // Act
    const inline = reusing.template.toJSON().Resources[group].Properties.SecurityGroupEgress as Record<
      string,
      unknown
    >[];
    const separate = Object.values(reusing.template.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => r.Properties as Record<string, unknown>)
      .filter((p) => JSON.stringify(p.GroupId).includes(group));
    const egress = [...inline, ...separate].map((p) =>
      flattenReferences(p.CidrIp ?? p.DestinationPrefixListId ?? p.DestinationSecurityGroupId),
    );

    // Assess
    expect(egress.sort()).toEqual(
      [
        'sg-0a1b2c3d4e5f60741',
        'pl-7ca54015',
        'pl-b3a742da',
        `<${endpointGroup}.GroupId>`,
        // the rule that matches no traffic
        '255.255.255.255/32',
      ].sort(),
    );
  });

  it('lets only the airlock functions reach the interface endpoints it creates', () => {
    // Prepare
    const group = s.stack.getLogicalId(s.stack.network.securityGroup.node.defaultChild as never);
    const endpointGroup = Object.entries(s.template.findResources('AWS::EC2::SecurityGroup')).find(([id]) =>
      id.startsWith('EndpointSecurityGroup'),
    )!;

    // Act
    const ingress = Object.values(s.template.findResources('AWS::EC2::SecurityGroupIngress')).map(
      (r) => r.Properties as Record<string, unknown>,
    );

    // Assess
    expect(
      (endpointGroup[1].Properties as { SecurityGroupIngress?: unknown }).SecurityGroupIngress,
    ).toBeUndefined();
    expect(ingress).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [endpointGroup[0], 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [group, 'GroupId'] },
        FromPort: 443,
        ToPort: 443,
      }),
    ]);
  });
});

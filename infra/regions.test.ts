import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { conventions, guardedBy, invokedBy, MEMBER_ACCOUNT, OTHER_RULES } from '../test/helpers/bus-rules.js';
import { realComplianceEvent } from '../test/helpers/events.js';
import {
  EXAMPLE_ORGANIZATION,
  EXAMPLE_REGIONS,
  environmentOf,
  logicalIdOf,
  type Synthesized,
  synthesizeRegions,
} from '../test/helpers/synth-fixture.js';
import { memberTemplateBody } from './member-stack.js';
import { nagPacks } from './nag.js';
import { REPLICATION_ACTIONS } from './storage-replication.js';

const MEMBER = MEMBER_ACCOUNT;
const REGIONS = EXAMPLE_REGIONS.regions!.split(',');

let primary: Synthesized;
let secondary: Synthesized;
let stacks: Synthesized[];

beforeAll(async () => {
  stacks = await synthesizeRegions({ context: { ...EXAMPLE_ORGANIZATION, ...EXAMPLE_REGIONS } });
  [primary, secondary] = stacks as [Synthesized, Synthesized];
}, 240_000);

/** A value the secondary stack reads from the primary (a cross-region reference), as the primary gives it. */
function fromPrimary(value: unknown): unknown {
  const [reader, name] = (value as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'];
  expect(secondary.template.toJSON().Resources[reader].Type).toBe('Custom::CrossRegionExportReader');
  const writers = Object.values(primary.template.findResources('Custom::CrossRegionExportWriter')) as {
    Properties: { WriterProps: { exports: Record<string, unknown>; region: string } };
  }[];
  const writer = writers.find((w) => name in w.Properties.WriterProps.exports);
  expect(writer?.Properties.WriterProps.region).toBe('eu-central-1');
  return writer?.Properties.WriterProps.exports[name];
}

const arnOf = (s: Synthesized, construct: object) => ({
  'Fn::GetAtt': [logicalIdOf(s.stack, construct), 'Arn'],
});

describe('Function: AirlockStack (many regions: one central stack per region)', () => {
  it('makes Airlock in the primary region and Airlock-<region> in the other, each in its own region', () => {
    // Act
    const placed = stacks.map((s) => [s.stack.stackName, s.stack.region, s.context.region]);

    // Assess
    expect(placed).toEqual([
      ['Airlock', 'eu-west-2', 'eu-west-2'],
      ['Airlock-eu-central-1', 'eu-central-1', 'eu-central-1'],
    ]);
  });

  it("invokes, on each region's central bus, the right function of that region for each naming convention", () => {
    for (const s of stacks) {
      for (const r of s.registries.remediations) {
        for (const [convention, rule] of conventions(r)) {
          // Prepare
          const event = realComplianceEvent(rule, r.resourceType, r.resourceKind.example, 'NON_COMPLIANT', {
            account: MEMBER,
            region: s.context.region,
          });

          // Act
          const invoked = invokedBy(s, event);
          const verdict = guardedBy(s, r, event);

          // Assess
          expect({ region: s.context.region, id: r.id, convention, invoked, verdict }).toEqual({
            region: s.context.region,
            id: r.id,
            convention,
            invoked: [r.id],
            verdict: undefined,
          });
        }
      }
    }
  });

  it("invokes nothing, on either region's bus, for another rule on the same resource type", () => {
    for (const s of stacks) {
      for (const [resourceType, rule] of OTHER_RULES) {
        // Act
        const invoked = invokedBy(
          s,
          realComplianceEvent(rule, resourceType, 'r-1', 'NON_COMPLIANT', {
            account: MEMBER,
            region: s.context.region,
          }),
        );

        // Assess
        expect({ region: s.context.region, rule, invoked }).toEqual({
          region: s.context.region,
          rule,
          invoked: [],
        });
      }
    }
  });

  it("lets each region's functions act in their region only, refusing the other before any call, naming both regions", () => {
    for (const s of stacks) {
      for (const r of s.registries.remediations) {
        // Prepare
        const other = REGIONS.find((region) => region !== s.context.region)!;
        const event = realComplianceEvent(
          `OrgConfigRule-${r.configRuleNames[0]}-a1b2c3d4`,
          r.resourceType,
          r.resourceKind.example,
          'NON_COMPLIANT',
          { account: MEMBER, region: other },
        );

        // Act
        const away = guardedBy(s, r, event);

        // Assess
        expect(away).toMatchObject({ outcome: 'REJECTED', steps: [] });
        expect(away?.reason).toContain(
          `region ${other} cannot be reached from this function, which reaches ${s.context.region} only (the deployment's regions: eu-west-2, eu-central-1)`,
        );
      }
    }
  });

  it("gives each region its own network: the VPC, subnets, route tables and prefix lists of that region's context", () => {
    // Prepare
    const network = JSON.parse(EXAMPLE_REGIONS.regionContext!)['eu-central-1'];

    // Act
    const endpoints = Object.values(secondary.template.findResources('AWS::EC2::VPCEndpoint')) as {
      Properties: { VpcId: string; ServiceName: unknown; SubnetIds?: string[]; RouteTableIds?: string[] };
    }[];

    // Assess
    // the interface endpoints (events, for the audit bus, included) and the two gateway endpoints
    expect(endpoints.length).toBe(11);
    for (const e of endpoints) {
      expect(e.Properties.VpcId).toBe(network.vpcId);
      expect(JSON.stringify(e.Properties.ServiceName)).toMatch(/eu-central-1|AWS::Region/);
      expect(e.Properties.SubnetIds ?? network.privateSubnetIds).toEqual(network.privateSubnetIds);
      expect(e.Properties.RouteTableIds ?? network.privateRouteTableIds).toEqual(
        network.privateRouteTableIds,
      );
    }
    for (const prefixList of [network.s3PrefixListId, network.dynamodbPrefixListId]) {
      secondary.template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
        DestinationPrefixListId: prefixList,
        FromPort: 443,
      });
    }
    expect(JSON.stringify(secondary.template.toJSON())).not.toContain(primary.context.vpcId);
    const policies = JSON.stringify(
      endpoints.map((e) => (e.Properties as { PolicyDocument?: unknown }).PolicyDocument),
    );
    expect(policies).toContain('arn:aws:iam::111122223333:role/airlock-revoke-open-ssh-eu-central-1');
    expect(policies).not.toContain('arn:aws:iam::111122223333:role/airlock-revoke-open-ssh"');
  });

  it('gives each region its own bus, rules, dead-letter queue and table, and IAM names that do not collide', () => {
    // Prepare
    const named = (s: Synthesized, type: string, key: string): string[] =>
      Object.values(s.template.findResources(type)).flatMap((r) => {
        const name = (r as { Properties: Record<string, string | undefined> }).Properties[key];
        return name === undefined ? [] : [name];
      });

    // Act
    const roles = stacks.map((s) => named(s, 'AWS::IAM::Role', 'RoleName'));
    const policies = stacks.map((s) => named(s, 'AWS::IAM::ManagedPolicy', 'ManagedPolicyName'));

    // Assess
    for (const s of stacks) {
      // the central bus and the audit bus
      s.template.resourceCountIs('AWS::Events::EventBus', 2);
      s.template.resourceCountIs('AWS::SQS::Queue', 1);
      s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
      s.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'airlock' });
      s.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'airlock-audit' });
    }
    expect(roles[0]).toContain('airlock-revoke-open-ssh');
    expect(roles[1]).toContain('airlock-revoke-open-ssh-eu-central-1');
    expect(roles[0]!.filter((n) => roles[1]!.includes(n))).toEqual([]);
    expect(policies[0]!.filter((n) => policies[1]!.includes(n))).toEqual([]);
    expect([...roles[1]!, ...policies[1]!].every((n) => n.endsWith('-eu-central-1') && n.length <= 64)).toBe(
      true,
    );
  });

  it("admits each region's own function roles, by their regional names, to its dead-letter queue and audit bus", () => {
    for (const [i, s] of stacks.entries()) {
      // Prepare: the names of that region's remediation roles, as IAM names them there
      const own = [...s.stack.remediationFunctions.values()].map((f) => f.roleName);
      // every aws:PrincipalArn an ArnNotEquals condition lists, in the resources of that type
      const exempted = (node: unknown): unknown[] => {
        if (!node || typeof node !== 'object') return [];
        const o = node as Record<string, unknown>;
        const here = (o.ArnNotEquals as Record<string, unknown> | undefined)?.['aws:PrincipalArn'];
        return [...(here ? [here] : []), ...Object.values(o).flatMap(exempted)];
      };
      const admittedBy = (type: string) =>
        JSON.stringify(Object.values(s.template.findResources(type)).flatMap(exempted));

      // Act
      const queue = admittedBy('AWS::SQS::QueuePolicy');
      const bus = admittedBy('AWS::Events::EventBus') + admittedBy('AWS::Events::EventBusPolicy');

      // Assess: every remediation role of the region, under its name in that region
      expect(own.length).toBeGreaterThan(0);
      for (const name of own) {
        expect(queue, `region ${REGIONS[i]}`).toContain(`:role/${name}"`);
        expect(bus, `region ${REGIONS[i]}`).toContain(`:role/${name}"`);
      }
      if (i > 0) expect(own.every((n) => n.endsWith(`-${REGIONS[i]}`))).toBe(true);
    }
  });

  it('rolls out one StackSet, from the primary region, to every member region', () => {
    // Act & Assess
    primary.template.resourceCountIs('AWS::CloudFormation::StackSet', 1);
    secondary.template.resourceCountIs('AWS::CloudFormation::StackSet', 0);
    primary.template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [Match.objectLike({ Regions: REGIONS })],
    });
  });

  it('deploys the organization rules in each region, invoking the evaluator of that region', () => {
    for (const s of stacks) {
      for (const e of s.registries.evaluators) {
        // Act & Assess
        s.template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
          OrganizationConfigRuleName: e.ruleName,
          OrganizationCustomRuleMetadata: Match.objectLike({
            LambdaFunctionArn: arnOf(s, s.stack.evaluatorFunctions.get(e.id)!.fn),
          }),
        });
      }
    }
  });
});

describe('Function: AirlockStack (many regions: member stacks)', () => {
  it('forward to the central bus of their own region when it has one, to the primary bus otherwise', () => {
    // Prepare
    const member = JSON.parse(memberTemplateBody(primary.stack.memberProps!)) as {
      Conditions: Record<string, unknown>;
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const forwarder = Object.values(member.Resources).find(
      (r) => r.Type === 'AWS::IAM::ManagedPolicy' && String(r.Properties.Description).includes('forwarder'),
    );

    // Act
    const statement = (forwarder!.Properties.PolicyDocument as { Statement: { Resource: unknown }[] })
      .Statement[0];

    // Assess
    expect(member.Conditions.RegionHasCentralBus).toEqual({
      'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-central-1'],
    });
    expect(statement?.Resource).toEqual({
      'Fn::If': [
        'RegionHasCentralBus',
        { 'Fn::Join': ['', ['arn:aws:events:', { Ref: 'AWS::Region' }, ':111122223333:event-bus/airlock']] },
        'arn:aws:events:eu-west-2:111122223333:event-bus/airlock',
      ],
    });
  });

  it("trust the central functions' roles of every region, and no other", () => {
    // Act
    const trusted = primary.stack.memberProps!.centralRoleNames;

    // Assess
    const ids = [...primary.registries.remediations, ...primary.registries.evaluators].map((f) => f.id);
    expect([...trusted].sort()).toEqual(
      [...ids.map((id) => `airlock-${id}`), ...ids.map((id) => `airlock-${id}-eu-central-1`)].sort(),
    );
    expect(secondary.stack.memberProps!.centralRoleNames).toEqual(trusted);
  });
});

describe('Function: AirlockStack (many regions: one trail, one signing key)', () => {
  it("replicates the secondary region's audit bucket to the primary's, encrypted there with the primary's key", () => {
    // Prepare
    const bucket = secondary.stack.storage.audit;
    const replication = secondary.template.toJSON().Resources[logicalIdOf(secondary.stack, bucket)].Properties
      .ReplicationConfiguration as {
      Role: unknown;
      Rules: {
        Destination: { Bucket: unknown; EncryptionConfiguration: { ReplicaKmsKeyID: unknown } };
      }[];
    };

    // Act
    const [rule] = replication.Rules;

    // Assess
    expect(replication.Role).toEqual(arnOf(secondary, secondary.stack.storage.replication!.role));
    expect(replication.Rules).toHaveLength(1);
    expect(rule).toMatchObject({
      Status: 'Enabled',
      Filter: { Prefix: '' },
      DeleteMarkerReplication: { Status: 'Disabled' },
      SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
    });
    expect(fromPrimary(rule?.Destination.Bucket)).toEqual(arnOf(primary, primary.stack.storage.audit));
    expect(fromPrimary(rule?.Destination.EncryptionConfiguration.ReplicaKmsKeyID)).toEqual(
      arnOf(primary, primary.stack.storage.key),
    );
    expect(
      primary.template.toJSON().Resources[logicalIdOf(primary.stack, primary.stack.storage.audit)],
    ).toMatchObject({
      Properties: { ObjectLockEnabled: true, VersioningConfiguration: { Status: 'Enabled' } },
    });
    expect(primary.stack.storage.replication).toBeUndefined();
  });

  it('gives the replication role exactly the replication actions, on the two buckets and keys only', () => {
    // Prepare
    const role = secondary.stack.storage.replication!.role;
    const policies = Object.values(secondary.template.findResources('AWS::IAM::ManagedPolicy')).filter(
      (p) =>
        JSON.stringify((p as { Properties: { Roles: unknown } }).Properties.Roles) ===
        JSON.stringify([{ Ref: logicalIdOf(secondary.stack, role) }]),
    ) as {
      Properties: { PolicyDocument: { Statement: { Action: string | string[]; Condition?: unknown }[] } };
    }[];

    // Act
    const actions = policies.flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((st) => [st.Action].flat()),
    );

    // Assess
    expect(policies).toHaveLength(1);
    expect(actions.sort()).toEqual(Object.values(REPLICATION_ACTIONS).flat().sort());
    const keyStatements = policies[0]!.Properties.PolicyDocument.Statement.filter((st) =>
      [st.Action].flat().some((a) => a.startsWith('kms:')),
    );
    expect(keyStatements.map((st) => st.Condition)).toEqual([
      expect.objectContaining({ StringEquals: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' } }),
      expect.objectContaining({ StringEquals: { 'kms:ViaService': 's3.eu-west-2.amazonaws.com' } }),
    ]);
  });

  it("signs every region's records with one multi-region key: a replica of the primary's in the other region", () => {
    // Prepare
    const replica = Object.entries(secondary.template.findResources('AWS::KMS::ReplicaKey')) as [
      string,
      {
        Properties: {
          PrimaryKeyArn: unknown;
          KeyPolicy: { Statement: { Sid?: string; Condition?: unknown }[] };
        };
      },
    ][];
    const primaryKey = primary.template.toJSON().Resources[
      logicalIdOf(primary.stack, primary.stack.storage.signingKey)
    ] as { Properties: { MultiRegion?: boolean; KeySpec: string } };
    const fn = secondary.stack.remediationFunctions.get('revoke-open-ssh')!;

    // Act
    const signing = environmentOf(secondary.stack, fn).AIRLOCK_SIGNING_KEY;

    // Assess
    expect(primaryKey.Properties).toMatchObject({ MultiRegion: true, KeySpec: 'ECC_NIST_P256' });
    expect(replica).toHaveLength(1);
    const [replicaId, { Properties: props }] = replica[0]!;
    expect(fromPrimary(props.PrimaryKeyArn)).toEqual(arnOf(primary, primary.stack.storage.signingKey));
    expect(signing).toBe(`arn:aws:kms:eu-central-1:111122223333:key/${replicaId}`);
    const signOnly = props.KeyPolicy.Statement.find((st) => st.Sid === 'SignOnlyAirlockWriters');
    expect(signOnly?.Condition).toEqual({
      ArnNotEquals: {
        'aws:PrincipalArn': [
          ...secondary.registries.remediations.map(
            (r) => `arn:aws:iam::111122223333:role/airlock-${r.id}-eu-central-1`,
          ),
          secondary.context.breakGlassRoleArn,
        ],
      },
    });
    expect(props.KeyPolicy.Statement.map((st) => st.Sid)).toContain('SigningKeyBreakGlassOnly');
  });
});

describe('Function: AirlockStack (many regions: checks)', () => {
  it('has no unacknowledged AwsSolutions, NIST 800-53 R5 or PCI DSS 3.2.1 finding in either region', () => {
    // Act
    const findings = nagPacks(primary.app).flatMap((pack) =>
      pack
        .validateScope(primary.app)
        .violations.map(
          (v) =>
            `${pack.readPackName} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
        ),
    );

    // Assess
    expect(findings).toEqual([]);
  });
});

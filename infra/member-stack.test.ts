import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { cloudTrailEventPattern } from '../shared/cloudtrail.js';
import { parseSettings, settingsFromEnv } from '../shared/settings.js';
import { environmentOf, type Synthesized, synthesize } from '../test/helpers/synth-fixture.js';
import { remediationOverride } from './function-env.js';
import { MemberStack, memberActions } from './member-stack.js';
import { nagPacks } from './nag.js';
import { functionActions, REMEDIATION_FIXED_ACTIONS } from './permissions.js';
import { PUBLISH_ACTIONS } from './publishing.js';

const ORG = 'o-a1b2c3d4e5';
const EXTERNAL_ID = 'airlock-o-a1b2c3d4e5';
const OUS = ['ou-ab12-cdef3456', 'ou-ab12-0987zyxw'];
const REGIONS = ['eu-west-2', 'eu-central-1'];
const CENTRAL = '111122223333';
const BUS_ARN = `arn:aws:events:eu-west-2:${CENTRAL}:event-bus/airlock`;

let s: Synthesized;
let memberApp: App;
let member: MemberStack;
let m: Template;

beforeAll(async () => {
  s = await synthesize({
    context: {
      account: CENTRAL,
      region: 'eu-west-2',
      organizationId: ORG,
      externalId: EXTERNAL_ID,
      memberOrganizationalUnitIds: OUS.join(','),
      memberRegions: REGIONS.join(','),
    },
  });
  memberApp = new App({ context: { 'aws:cdk:disable-stack-trace': true } });
  member = new MemberStack(memberApp, 'AirlockMember', s.stack.memberProps!);
  m = Template.fromStack(member);
}, 120_000);

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Principal?: { AWS?: string | string[] };
  Condition?: Record<string, Record<string, unknown>>;
};
const asList = <T>(x: T | T[]) => (Array.isArray(x) ? x : [x]);

describe('Function: MemberStack (the member role)', () => {
  it('trusts only the central functions’ roles, inside the organization, with the external id', () => {
    // Prepare
    const roles = m.findResources('AWS::IAM::Role', { Properties: { RoleName: 'airlock-member' } });
    const role = Object.values(roles)[0] as {
      Properties: { AssumeRolePolicyDocument: { Statement: Statement[] } };
      Condition?: string;
    };

    // Act
    const statements = role.Properties.AssumeRolePolicyDocument.Statement;

    // Assess
    expect(Object.keys(roles)).toHaveLength(1);
    for (const st of statements) {
      expect(st.Action).toBe('sts:AssumeRole');
      expect(st.Condition).toEqual({
        StringEquals: { 'aws:PrincipalOrgID': ORG, 'sts:ExternalId': EXTERNAL_ID },
      });
    }
    // the remediations, and the evaluators that organization rules invoke for the member accounts
    const central = [...s.registries.remediations, ...s.registries.evaluators].map((f) => f.id);
    expect(statements.flatMap((st) => asList(st.Principal?.AWS ?? [])).sort()).toEqual(
      central.map((id) => `arn:aws:iam::${CENTRAL}:role/airlock-${id}`).sort(),
    );
    expect(statements.every((st) => Object.keys(st.Principal ?? {}).join() === 'AWS')).toBe(true);
    // IAM is global: only the role region's stack instance creates it
    expect(role.Condition).toBeDefined();
  });

  it("allows exactly the union of the remediations' read + write actions and the evaluators' Config calls, none of the pipeline's", () => {
    // Prepare
    const policies = m.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { ManagedPolicyName: 'airlock-member' },
    });
    const policy = Object.values(policies)[0] as {
      Properties: { PolicyDocument: { Statement: Statement[] } };
    };

    // Act
    const actions = [
      ...new Set(policy.Properties.PolicyDocument.Statement.flatMap((st) => asList(st.Action))),
    ].sort();

    // Assess
    const union = [
      ...new Set([
        ...s.registries.remediations.flatMap((r) => [...r.permissions.read, ...r.permissions.write]),
        'config:DescribeConfigRules',
        'config:GetComplianceDetailsByConfigRule',
        'config:GetResourceConfigHistory',
        'config:PutEvaluations',
      ]),
    ].sort();
    expect(actions).toEqual(union);
    expect(memberActions(s.registries.remediations, s.stack.memberProps!.evaluatorActions)).toEqual(union);
    // the settings parameter is read in the home account, never through the member role
    expect(actions).not.toContain('ssm:GetParameter');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    expect(actions).not.toContain('dynamodb:PutItem');
    // undo runs with the operator's credentials, never through the member role
    expect(actions).not.toContain('ec2:CreateRoute');
  });

  it('scopes the writes to their resource type in this account, in each member region', () => {
    // Prepare
    const policy = Object.values(
      m.findResources('AWS::IAM::ManagedPolicy', { Properties: { ManagedPolicyName: 'airlock-member' } }),
    )[0] as { Properties: { PolicyDocument: { Statement: Statement[] } } };

    // Act
    const revoke = policy.Properties.PolicyDocument.Statement.find((st) =>
      asList(st.Action).includes('ec2:RevokeSecurityGroupIngress'),
    )!;

    // Assess
    const text = JSON.stringify(revoke.Resource);
    for (const region of REGIONS) expect(text).toContain(`:ec2:${region}:`);
    expect(text).toContain('AWS::AccountId');
    expect(text).not.toContain(CENTRAL);
  });
});

describe('Function: MemberStack (forwarding)', () => {
  it('forwards NON_COMPLIANT compliance changes of the remediated types to the central bus, with a role', () => {
    // Act & Assess
    m.hasResourceProperties('AWS::Events::Rule', {
      Name: 'airlock-forward-compliance',
      EventPattern: {
        source: ['aws.config'],
        'detail-type': ['Config Rules Compliance Change'],
        detail: {
          newEvaluationResult: { complianceType: ['NON_COMPLIANT'] },
          resourceType: [...new Set(s.registries.remediations.map((r) => r.resourceType))].sort(),
        },
      },
      Targets: [Match.objectLike({ Arn: BUS_ARN, RoleArn: Match.anyValue() })],
    });
  });

  it('forwards the CloudTrail calls each remediation acts on, with the same pattern as the central rule', () => {
    // Prepare
    const withCalls = s.registries.remediations.filter((r) => r.cloudTrail);
    expect(withCalls.length).toBeGreaterThan(0);

    for (const remediation of withCalls) {
      // Act & Assess
      m.hasResourceProperties('AWS::Events::Rule', {
        Name: `airlock-forward-${remediation.id}-api-calls`,
        EventPattern: cloudTrailEventPattern(remediation.cloudTrail!),
        Targets: [Match.objectLike({ Arn: BUS_ARN })],
      });
    }
  });

  it('lets the forwarder role put events on the central bus only', () => {
    // Act & Assess
    m.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS_ARN }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^ForwarderRole') }],
    });
    m.resourceCountIs('AWS::IAM::Policy', 0);
    m.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'events.amazonaws.com' } })],
      },
    });
  });
});

describe('Function: AirlockStack (organization)', () => {
  it('admits only the organization on the central bus', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'airlock' });
    // the central bus's policy (the audit bus has its own: infra/publishing.test.ts)
    const policies = Object.values(s.template.findResources('AWS::Events::EventBusPolicy')).filter((p) =>
      JSON.stringify(p.Properties.EventBusName).includes('CentralBus'),
    ) as {
      Properties: { Statement: Statement };
    }[];
    expect(policies).toHaveLength(1);
    expect(policies[0]?.Properties.Statement).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } },
    });
  });

  it('has each remediation’s rules on the central bus too, targeting its function', () => {
    for (const remediation of s.registries.remediations) {
      // Prepare
      const onBus = s.stack.busRules.get(remediation.id)!;

      // Act
      const rule = s.stack.resolve(
        (onBus.node.defaultChild as unknown as { eventBusName: unknown }).eventBusName,
      );

      // Assess
      expect(rule).toEqual({ Ref: expect.stringMatching(/^CentralBus/) });
      expect(s.stack.busApiCallRules.has(remediation.id)).toBe(Boolean(remediation.cloudTrail));
    }
  });

  it('rolls the member stack out as a SERVICE_MANAGED StackSet with auto-deployment, to the OUs and regions', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'airlock-member',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS }, Regions: REGIONS }],
    });
  });

  it('carries the member template inline, the same template as the member stack', () => {
    // Prepare
    const set = Object.values(s.template.findResources('AWS::CloudFormation::StackSet'))[0] as {
      Properties: { TemplateBody: string };
    };

    // Act
    const body = JSON.parse(set.Properties.TemplateBody);

    // Assess
    expect(body.Resources).toEqual(m.toJSON().Resources);
    expect(body.Parameters).toBeUndefined();
  });

  it('lets each central function assume the member role by name, inside the organization only', () => {
    for (const fn of s.stack.remediationFunctions.values()) {
      // Prepare
      const policy = s.stack.resolve(
        (fn.policy.node.defaultChild as unknown as { policyDocument: unknown }).policyDocument,
      ) as {
        Statement: Statement[];
      };

      // Act
      const assume = policy.Statement.filter((st) => asList(st.Action).includes('sts:AssumeRole'));

      // Assess
      expect(assume).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: 'arn:aws:iam::*:role/airlock-member',
          Condition: { StringEquals: { 'aws:ResourceOrgID': ORG } },
        },
      ]);
      const actions = [...new Set(policy.Statement.flatMap((st) => asList(st.Action)))].sort();
      const remediation = s.registries.remediations.find((r) => `airlock-${r.id}` === fn.functionName)!;
      expect(actions).toEqual(
        [
          ...new Set([
            ...functionActions(remediation, remediationOverride(remediation, s.context).settings),
            ...REMEDIATION_FIXED_ACTIONS,
            ...PUBLISH_ACTIONS,
            'sts:AssumeRole',
          ]),
        ].sort(),
      );
    }
  });

  it('gives the central functions the member role, external id and home account in their environment', () => {
    for (const fn of s.stack.remediationFunctions.values()) {
      // Prepare
      const env = environmentOf(s.stack, fn);

      // Act
      const settings = parseSettings(settingsFromEnv(env));

      // Assess
      expect(env).toMatchObject({
        AIRLOCK_MEMBER_ROLE_NAME: 'airlock-member',
        AIRLOCK_MEMBER_EXTERNAL_ID: EXTERNAL_ID,
        AIRLOCK_HOME_ACCOUNT: CENTRAL,
      });
      expect(settings.memberRole).toEqual({ name: 'airlock-member', externalId: EXTERNAL_ID });
      expect(settings.homeAccount).toBe(CENTRAL);
      expect(settings.allowedAccounts).toEqual(['*']);
      expect(settings.allowedRegions).toEqual(REGIONS);
    }
  });

  it('has no unacknowledged AwsSolutions, NIST 800-53 R5 or PCI DSS 3.2.1 finding in either stack', () => {
    // Act
    const findings = [s.app, memberApp].flatMap((app) =>
      nagPacks(app).flatMap((pack) =>
        pack
          .validateScope(app)
          .violations.map(
            (v) =>
              `${pack.readPackName} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
          ),
      ),
    );

    // Assess
    expect(findings).toEqual([]);
  });
});

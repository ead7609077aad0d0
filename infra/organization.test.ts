import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { conventions, guardedBy, invokedBy, OTHER_RULES } from '../test/helpers/bus-rules.js';
import { realComplianceEvent } from '../test/helpers/events.js';
import {
  EXAMPLE_ORGANIZATION,
  environmentOf,
  logicalIdOf,
  type Synthesized,
  synthesize,
} from '../test/helpers/synth-fixture.js';

const MEMBER = '444455556666';
const REGIONS = ['eu-west-2', 'eu-central-1'];

let s: Synthesized;

beforeAll(async () => {
  s = await synthesize({ context: { ...EXAMPLE_ORGANIZATION, memberRegions: REGIONS.join(',') } });
}, 120_000);

describe('Function: AirlockStack (organization: rule names on the central bus)', () => {
  it('invokes the right function, once, for each naming convention from a member account in each member region', () => {
    for (const r of s.registries.remediations) {
      for (const [convention, rule] of conventions(r)) {
        for (const region of REGIONS) {
          // Prepare
          const event = realComplianceEvent(rule, r.resourceType, r.resourceKind.example, 'NON_COMPLIANT', {
            account: MEMBER,
            region,
          });

          // Act
          const invoked = invokedBy(s, event);

          // Assess
          expect({ id: r.id, convention, region, invoked }).toEqual({
            id: r.id,
            convention,
            region,
            invoked: [r.id],
          });
        }
      }
    }
  });

  it('invokes nothing for another rule on the same resource type, under any convention', () => {
    // Prepare: real rules of other controls on the resource types airlock remediates
    for (const [resourceType, rule] of OTHER_RULES) {
      // Act
      const invoked = invokedBy(
        s,
        realComplianceEvent(rule, resourceType, 'r-1', 'NON_COMPLIANT', {
          account: MEMBER,
          region: 'eu-west-2',
        }),
      );

      // Assess
      expect({ rule, invoked }).toEqual({ rule, invoked: [] });
    }
  });

  it("lets the function of the bus's region act, and refuses the other member region before any call, naming it", () => {
    for (const r of s.registries.remediations) {
      // Prepare
      const rule = `OrgConfigRule-${r.configRuleNames[0]}-a1b2c3d4`;
      const at = (region: string) =>
        realComplianceEvent(rule, r.resourceType, r.resourceKind.example, 'NON_COMPLIANT', {
          account: MEMBER,
          region,
        });

      // Act
      const home = guardedBy(s, r, at('eu-west-2'));
      const away = guardedBy(s, r, at('eu-central-1'));

      // Assess
      expect(home).toBeUndefined();
      expect(away).toMatchObject({ outcome: 'REJECTED', steps: [] });
      expect(away?.reason).toContain(
        "region eu-central-1 cannot be reached from this function, which reaches eu-west-2 only (the deployment's regions: eu-west-2)",
      );
    }
  });
});

describe('Function: AirlockStack (organization: the central bus policy)', () => {
  it('admits from the organization only the sources and detail-types the member stacks forward', () => {
    // Prepare
    const sources = [
      'aws.config',
      ...s.registries.remediations.flatMap((r) =>
        r.cloudTrail ? [`aws.${r.cloudTrail.eventSource.split('.')[0]}`] : [],
      ),
    ];
    // the central bus's policy (the audit bus has its own: infra/publishing.test.ts)
    const policies = Object.values(s.template.findResources('AWS::Events::EventBusPolicy')).filter((p) =>
      JSON.stringify(p.Properties.EventBusName).includes('CentralBus'),
    ) as {
      Properties: { Statement: { Condition: unknown } };
    }[];

    // Act
    const conditions = policies.map((p) => p.Properties.Statement.Condition);

    // Assess
    expect(conditions).toEqual([
      {
        StringEquals: {
          'aws:PrincipalOrgID': EXAMPLE_ORGANIZATION.organizationId,
          'events:source': [...new Set(sources)].sort(),
          'events:detail-type': ['AWS API Call via CloudTrail', 'Config Rules Compliance Change'],
        },
      },
    ]);
  });
});

describe('Function: AirlockStack (organization: member accounts evaluated)', () => {
  it('deploys each custom rule as an organization rule invoking the central evaluator, this account excluded', () => {
    expect(s.registries.evaluators.length).toBeGreaterThanOrEqual(2);
    for (const e of s.registries.evaluators) {
      // Prepare
      const fn = s.stack.evaluatorFunctions.get(e.id)!;
      const arn = { 'Fn::GetAtt': [logicalIdOf(s.stack, fn.fn), 'Arn'] };

      // Act & Assess
      s.template.hasResourceProperties('AWS::Config::OrganizationConfigRule', {
        OrganizationConfigRuleName: e.ruleName,
        ExcludedAccounts: [s.context.account],
        OrganizationCustomRuleMetadata: {
          LambdaFunctionArn: arn,
          OrganizationConfigRuleTriggerTypes: [
            ...(e.configurationChange
              ? ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification']
              : []),
            ...(e.periodic ? ['ScheduledNotification'] : []),
          ],
          ...(e.configurationChange ? { ResourceTypesScope: [e.resourceType] } : {}),
        },
      });
      s.template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: arn,
        Principal: 'config.amazonaws.com',
        SourceAccount: Match.absent(),
      });
    }
  });

  it('lets each evaluator act in a member account through the member role, inside the organization', () => {
    for (const fn of s.stack.evaluatorFunctions.values()) {
      // Prepare
      const env = environmentOf(s.stack, fn);
      const policy = s.stack.resolve(
        (fn.policy.node.defaultChild as unknown as { policyDocument: unknown }).policyDocument,
      ) as { Statement: { Action: string | string[]; Resource: unknown; Condition?: unknown }[] };

      // Act
      const assume = policy.Statement.filter((st) => [st.Action].flat().includes('sts:AssumeRole'));

      // Assess
      expect(env).toMatchObject({
        AIRLOCK_MEMBER_ROLE_NAME: 'airlock-member',
        AIRLOCK_HOME_ACCOUNT: s.context.account,
        AIRLOCK_REACHABLE_REGIONS: s.context.region,
      });
      expect(assume).toEqual([
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRole',
          Resource: 'arn:aws:iam::*:role/airlock-member',
          Condition: { StringEquals: { 'aws:ResourceOrgID': EXAMPLE_ORGANIZATION.organizationId } },
        },
      ]);
    }
  });
});

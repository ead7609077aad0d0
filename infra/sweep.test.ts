import { beforeAll, describe, expect, it } from 'vitest';
import { sweepSettingsFromEnv } from '../functions/sweep/settings.js';
import {
  EXAMPLE_ORGANIZATION,
  environmentOf,
  logicalIdOf,
  type Synthesized,
  synthesize,
} from '../test/helpers/synth-fixture.js';
import type { AirlockFunction } from './airlock-function.js';
import { declaredRuleNames } from './event-rules.js';
import { AGGREGATOR_ACTIONS, AGGREGATOR_NAME, DEAD_LETTER_SENDER } from './sweep.js';

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
};
type Resource = { Type: string; Properties: Record<string, unknown> };

let single: Synthesized;
let org: Synthesized;

beforeAll(async () => {
  single = await synthesize();
  org = await synthesize({ context: { ...EXAMPLE_ORGANIZATION, memberRegions: 'eu-west-2,eu-central-1' } });
}, 180_000);

const listOf = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function functionsOf(s: Synthesized): AirlockFunction[] {
  return [...s.stack.remediationFunctions.values(), ...s.stack.evaluatorFunctions.values(), s.stack.sweep];
}

/** The statements of a function's role (its one managed policy), as the template holds them. */
function roleStatements(s: Synthesized, fn: AirlockFunction): Statement[] {
  const policy = s.stack.resolve(
    (fn.policy.node.defaultChild as unknown as { policyDocument: unknown }).policyDocument,
  );
  return (policy as { Statement: Statement[] }).Statement;
}

function queuePolicyStatements(s: Synthesized): Statement[] {
  const queueId = logicalIdOf(s.stack, s.stack.recovery.queue);
  const policies = Object.values(s.template.findResources('AWS::SQS::QueuePolicy')) as Resource[];
  const policy = policies.find((p) => JSON.stringify(p.Properties.Queues).includes(`"${queueId}"`));
  expect(policy).toBeDefined();
  return (policy!.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}

describe('Function: Sweep (the dead-letter queue is untrusted input)', () => {
  it("denies sqs:SendMessage on the queue to every principal but airlock's function roles, by ARN", () => {
    for (const s of [single, org]) {
      // Act
      const deny = queuePolicyStatements(s).find(
        (st) => st.Effect === 'Deny' && st.Action === 'sqs:SendMessage',
      );

      // Assess
      expect(deny?.Principal).toEqual({ AWS: '*' });
      const allowed = s.stack.resolve(deny?.Condition?.ArnNotEquals?.['aws:PrincipalArn']) as unknown[];
      const names = allowed.map((arn) => JSON.stringify(arn).match(/:role\/([\w-]+)/)?.[1]);
      expect(names.sort()).toEqual(
        functionsOf(s)
          .map((f) => f.functionName)
          .sort(),
      );
      expect(JSON.stringify(allowed)).not.toContain('*');
    }
  });

  it('lets every role send to the queue only without lambda:SourceFunctionArn: Lambda delivers, function code cannot', () => {
    for (const fn of functionsOf(org)) {
      // Act
      const sends = roleStatements(org, fn).filter((st) => listOf(st.Action).includes('sqs:SendMessage'));

      // Assess
      expect({ fn: fn.functionName, sends: sends.length }).toEqual({ fn: fn.functionName, sends: 1 });
      expect(sends[0]?.Action).toBe('sqs:SendMessage');
      expect(sends[0]?.Condition).toEqual(DEAD_LETTER_SENDER);
    }
  });
});

describe('Function: Sweep (member accounts)', () => {
  it('creates no aggregator and grants no aggregate read in a single account', () => {
    // Act
    const actions = roleStatements(single, single.stack.sweep).flatMap((st) => listOf(st.Action));

    // Assess
    single.template.resourceCountIs('AWS::Config::ConfigurationAggregator', 0);
    expect(actions.filter((a) => a.includes('Aggregate'))).toEqual([]);
    expect(environmentOf(single.stack, single.stack.sweep).AIRLOCK_SWEEP_AGGREGATOR).toBeUndefined();
  });

  it("aggregates the organization's accounts in the member regions, through a role Config assumes", () => {
    // Act
    const aggregators = Object.values(
      org.template.findResources('AWS::Config::ConfigurationAggregator'),
    ) as Resource[];

    // Assess
    expect(aggregators).toHaveLength(1);
    const props = aggregators[0]!.Properties as {
      ConfigurationAggregatorName: string;
      OrganizationAggregationSource: { AwsRegions: string[]; AllAwsRegions?: boolean; RoleArn: unknown };
    };
    expect(props.ConfigurationAggregatorName).toBe(AGGREGATOR_NAME);
    expect(props.OrganizationAggregationSource.AwsRegions.sort()).toEqual(['eu-central-1', 'eu-west-2']);
    expect(props.OrganizationAggregationSource.AllAwsRegions).toBeUndefined();
    const roleId = (props.OrganizationAggregationSource.RoleArn as { 'Fn::GetAtt': string[] })[
      'Fn::GetAtt'
    ][0]!;
    const role = org.template.toJSON().Resources[roleId] as Resource;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('config.amazonaws.com');
    const policies = (
      Object.values(org.template.findResources('AWS::IAM::ManagedPolicy')) as Resource[]
    ).filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`));
    expect(policies).toHaveLength(1);
    const actions = policies.flatMap((p) =>
      (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement.flatMap((st) =>
        listOf(st.Action),
      ),
    );
    expect(actions.length).toBeGreaterThan(0);
    expect(actions.every((a) => /^organizations:(List|Describe)/.test(a))).toBe(true);
  });

  it("grants the sweep exactly the two aggregate reads, on the aggregator's ARN only", () => {
    // Prepare
    const aggregatorId = Object.keys(org.template.findResources('AWS::Config::ConfigurationAggregator'))[0];

    // Act
    const statements = roleStatements(org, org.stack.sweep).filter((st) =>
      listOf(st.Action).some((a) => a.includes('Aggregate')),
    );

    // Assess
    expect(statements).toHaveLength(1);
    expect(listOf(statements[0]!.Action).sort()).toEqual([...AGGREGATOR_ACTIONS].sort());
    expect(statements[0]!.Resource).toEqual({ 'Fn::GetAtt': [aggregatorId, 'ConfigurationAggregatorArn'] });
  });

  it('tells the sweep the aggregator, the deployment regions and the names each remediation accepts', () => {
    // Act
    // the queue's URL as SQS gives it (the template holds a reference)
    const queueUrl = `https://sqs.${org.context.region}.amazonaws.com/${org.context.account}/Airlock-SweepDeadLetters1A2B3C4D-AbCdEfGhIjKl`;
    const env = { ...environmentOf(org.stack, org.stack.sweep), AIRLOCK_SWEEP_QUEUE_URL: queueUrl };
    const settings = sweepSettingsFromEnv(env);

    // Assess
    expect(settings.aggregatorName).toBe(AGGREGATOR_NAME);
    expect(settings.deploymentRegions).toEqual([org.context.region]);
    for (const remediation of org.registries.remediations) {
      const target = settings.targets.find((t) => t.remediation === remediation.id);
      expect(target?.names).toEqual(declaredRuleNames(remediation, org.context));
      expect(target?.managedNames).toEqual((remediation.configRules.managed ?? []).map((m) => m.defaultName));
    }
    // Lambda refuses environment variables over 4 KB in all (names and values)
    const size = Object.entries(env).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
    expect(size).toBeLessThan(4096);
  });
});

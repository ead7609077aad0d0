import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asList,
  flattenReferences,
  type StatementJson,
  type Synthesized,
  synthesize,
} from '../test/helpers/synth-fixture.js';
import { type AirlockFunction, ASYNC_RETRIES, MAX_EVENT_AGE } from './airlock-function.js';
import { ContextError } from './context.js';
import { readPublishing } from './context-publishing.js';
import { matchesPattern } from './event-pattern.js';
import { DEAD_LETTER_SENDER } from './sweep.js';

const ACCOUNT = '111122223333';
const BUS_ARN = `arn:aws:events:eu-west-2:${ACCOUNT}:event-bus/airlock-audit`;
const PRODUCT = `arn:aws:securityhub:eu-west-2:${ACCOUNT}:product/${ACCOUNT}/default`;

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

const get = (values: Record<string, unknown>) => (key: string) => values[key];

let s: Synthesized;
let hub: Synthesized;

beforeAll(async () => {
  [s, hub] = await Promise.all([synthesize(), synthesize({ context: { securityHubFindings: 'true' } })]);
}, 300_000);

function resourcesOf(x: Synthesized): Resources {
  return x.template.toJSON().Resources as Resources;
}

/** The statements of the one managed policy attached to a function's role. */
function statementsOf(x: Synthesized, fn: AirlockFunction): StatementJson[] {
  const roleId = x.stack.getLogicalId(fn.role.node.defaultChild as never);
  const attached = Object.values(resourcesOf(x)).filter(
    (r) =>
      r.Type === 'AWS::IAM::ManagedPolicy' &&
      JSON.stringify((r.Properties as { Roles?: unknown }).Roles ?? []).includes(`"${roleId}"`),
  );
  expect(attached).toHaveLength(1);
  return (attached[0]!.Properties as { PolicyDocument: { Statement: StatementJson[] } }).PolicyDocument
    .Statement;
}

function endpointPolicy(x: Synthesized, service: string): StatementJson[] | undefined {
  const endpoint = Object.values(x.template.findResources('AWS::EC2::VPCEndpoint'))
    .map((e) => e.Properties as { ServiceName: unknown; PolicyDocument?: { Statement: StatementJson[] } })
    .find((p) => flattenReferences(p.ServiceName).endsWith(`.${service}`));
  return endpoint ? (endpoint.PolicyDocument?.Statement ?? []) : undefined;
}

const remediationRoles = (x: Synthesized) =>
  [...x.stack.remediationFunctions.values()].map((f) => `arn:aws:iam::${ACCOUNT}:role/${f.roleName}`);

describe('Function: readPublishing (context auditEventBus, securityHubFindings)', () => {
  it('publishes on airlock-audit, created by airlock, without Security Hub findings by default', () => {
    expect(readPublishing(get({}))).toEqual({
      eventBus: 'airlock-audit',
      createsBus: true,
      securityHubFindings: false,
    });
  });

  it('uses the default bus without creating it, or publishes nothing with none', () => {
    expect(readPublishing(get({ auditEventBus: 'default' }))).toEqual({
      eventBus: 'default',
      createsBus: false,
      securityHubFindings: false,
    });
    expect(readPublishing(get({ auditEventBus: 'none' }))).toEqual({
      createsBus: false,
      securityHubFindings: false,
    });
  });

  it.each([
    [{ auditEventBus: 'bad name!' }, 'auditEventBus'],
    [{ auditEventBus: 'default', securityHubFindings: 'true' }, 'securityHubFindings'],
    [{ auditEventBus: 'none', securityHubFindings: true }, 'securityHubFindings'],
    [{ securityHubFindings: 'yes' }, 'securityHubFindings'],
  ])('refuses %j, naming %s', (values, key) => {
    expect(() => readPublishing(get(values))).toThrow(ContextError);
    expect(() => readPublishing(get(values))).toThrow(`context ${key}`);
  });

  it("refuses the organization's central bus", () => {
    expect(() => readPublishing(get({ auditEventBus: 'airlock' }), 'airlock')).toThrow('central bus');
  });
});

describe('Function: Publishing (the audit bus)', () => {
  it('creates the airlock-audit bus and refuses PutEvents on it to all but the remediation roles', () => {
    // Act
    const policies = Object.values(s.template.findResources('AWS::Events::EventBusPolicy')).map(
      (r) => r.Properties as { EventBusName: unknown; Statement: StatementJson },
    );

    // Assess
    s.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'airlock-audit' });
    const audit = policies.filter((p) => JSON.stringify(p.EventBusName).includes('AuditBus'));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.Statement).toMatchObject({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: BUS_ARN,
    });
    expect(
      asList(audit[0]!.Statement.Condition!.ArnNotEquals!['aws:PrincipalArn'] as string[]).sort(),
    ).toEqual(remediationRoles(s).sort());
  });

  it('tells each remediation function the bus and grants it PutEvents on that bus only', () => {
    for (const fn of s.stack.remediationFunctions.values()) {
      // Act
      const env = (
        s.stack.resolve((fn.fn.node.defaultChild as never as { environment: unknown }).environment) as {
          variables: Record<string, unknown>;
        }
      ).variables;
      const events = statementsOf(s, fn).filter((st) =>
        asList(st.Action).some((a) => a.startsWith('events:')),
      );

      // Assess
      expect(env.AIRLOCK_EVENT_BUS).toBe('airlock-audit');
      expect(events).toEqual([{ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS_ARN }]);
    }
  });

  it('limits the events endpoint to PutEvents on that bus, by the remediation roles', () => {
    // Act
    const statements = endpointPolicy(s, 'events')!;

    // Assess
    expect(statements.map((st) => st.Condition!.ArnEquals!['aws:PrincipalArn']).sort()).toEqual(
      remediationRoles(s).sort(),
    );
    for (const st of statements) {
      expect(st).toMatchObject({ Effect: 'Allow', Action: 'events:PutEvents', Resource: BUS_ARN });
    }
  });

  it('deploys no findings function, rule or Security Hub endpoint unless securityHubFindings is set', () => {
    expect(s.stack.publishing.findings).toBeUndefined();
    expect(endpointPolicy(s, 'securityhub')).toBeUndefined();
    s.template.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { FunctionName: 'airlock-import-findings' },
      0,
    );
    s.template.resourcePropertiesCountIs('AWS::Events::Rule', { Name: 'airlock-import-findings' }, 0);
  });
});

describe('Function: Publishing (Security Hub findings)', () => {
  it('grants import-findings exactly BatchImportFindings on the default product, the queue and its key, and the runtime', () => {
    // Prepare
    const fn = hub.stack.publishing.findings!;

    // Act
    const statements = statementsOf(hub, fn);
    const actions = [...new Set(statements.flatMap((st) => asList(st.Action)))].sort();

    // Assess
    expect(actions).toEqual([
      'ec2:AssignPrivateIpAddresses',
      'ec2:CreateNetworkInterface',
      'ec2:DeleteNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:UnassignPrivateIpAddresses',
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'securityhub:BatchImportFindings',
      'sqs:SendMessage',
    ]);
    expect(statements.filter((st) => asList(st.Action).some((a) => a.startsWith('securityhub:')))).toEqual([
      { Effect: 'Allow', Action: 'securityhub:BatchImportFindings', Resource: PRODUCT },
    ]);
    // like every function's: Lambda delivers its failures, its own code cannot write to the queue
    const send = statements.filter((st) => asList(st.Action).includes('sqs:SendMessage'));
    expect(send.length).toBeGreaterThan(0);
    for (const st of send) expect(st).toMatchObject({ Condition: DEAD_LETTER_SENDER });
  });

  it('invokes it from the audit bus for APPLIED and FAILED remediations of this account, retried, then dead-lettered', () => {
    // Prepare
    const fnId = hub.stack.getLogicalId(hub.stack.publishing.findings!.fn.node.defaultChild as never);
    const busId = hub.stack.getLogicalId(hub.stack.publishing.bus!.node.defaultChild as never);
    const queueId = hub.stack.getLogicalId(hub.stack.recovery.queue.node.defaultChild as never);

    // Act & Assess
    hub.template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'airlock-import-findings',
      EventBusName: { Ref: busId },
      EventPattern: {
        source: ['airlock'],
        'detail-type': ['airlock audit record'],
        account: [ACCOUNT],
        detail: { kind: ['remediation'], outcome: ['APPLIED', 'FAILED'] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, RetryPolicy: Match.anyValue() })],
    });
    hub.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: ASYNC_RETRIES,
      MaximumEventAgeInSeconds: MAX_EVENT_AGE.toSeconds(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('matches the published APPLIED and FAILED remediations, not the other outcomes, rollbacks or other accounts', () => {
    // Prepare
    const [rule] = Object.values(
      hub.template.findResources('AWS::Events::Rule', { Properties: { Name: 'airlock-import-findings' } }),
    );
    const pattern = (rule!.Properties as { EventPattern: unknown }).EventPattern;
    const event = (detail: Record<string, unknown>, account = ACCOUNT) => ({
      source: 'airlock',
      'detail-type': 'airlock audit record',
      account,
      detail: { kind: 'remediation', outcome: 'APPLIED', ...detail },
    });

    // Act & Assess
    expect(matchesPattern(pattern, event({}))).toBe(true);
    expect(matchesPattern(pattern, event({ outcome: 'FAILED' }))).toBe(true);
    expect(matchesPattern(pattern, event({ outcome: 'NOOP' }))).toBe(false);
    expect(matchesPattern(pattern, event({ kind: 'rollback' }))).toBe(false);
    expect(matchesPattern(pattern, event({}, '999988887777'))).toBe(false);
  });

  it('creates the Security Hub endpoint, limited to that import by the import-findings role', () => {
    // Act
    const statements = endpointPolicy(hub, 'securityhub')!;

    // Assess
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'securityhub:BatchImportFindings',
        Resource: PRODUCT,
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/airlock-import-findings` },
        },
      },
    ]);
  });
});

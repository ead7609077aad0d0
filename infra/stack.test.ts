import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { recordKey } from '../shared/audit-record.js';
import { parseSettings, settingsFromEnv } from '../shared/settings.js';
import { sampleRecord } from '../test/helpers/audit-records.js';
import { complianceEvent, realComplianceEvent } from '../test/helpers/events.js';
import { listRealWorld, loadRealWorld } from '../test/helpers/fixtures.js';
import {
  environmentOf,
  flattenReferences,
  type Synthesized,
  synthesize,
} from '../test/helpers/synth-fixture.js';
import {
  type AirlockFunction,
  ASYNC_RETRIES,
  FUNCTION_MEMORY_MB,
  MAX_EVENT_AGE,
} from './airlock-function.js';
import { MANAGED_RULES } from './config-rules.js';
import { matchesPattern } from './event-pattern.js';
import { remediationOverride } from './function-env.js';
import { nagPacks } from './nag.js';
import { NAMES } from './names.js';
import { INTERFACE_ENDPOINTS } from './network.js';
import {
  EVALUATOR_FIXED_ACTIONS,
  functionActions,
  isStarOnlyAction,
  REMEDIATION_FIXED_ACTIONS,
} from './permissions.js';
import { PUBLISH_ACTIONS } from './publishing.js';

const COMPLIANCE_FOLDER = 'events/config-rules-compliance-change';
type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

let s: Synthesized;
let resources: Resources;

function resourceOf(construct: { node: { defaultChild?: unknown } }) {
  const id = s.stack.getLogicalId(construct.node.defaultChild as never);
  const resource = resources[id];
  if (!resource) throw new Error(`no resource ${id}`);
  return { id, ...resource };
}

beforeAll(async () => {
  s = await synthesize();
  resources = s.template.toJSON().Resources as Resources;
}, 240_000);

describe('Function: AirlockStack (logical ids)', () => {
  it('keeps the logical ids the resources were first deployed under (a new id replaces the resource)', () => {
    // Prepare
    const deployed = [
      'Key961B73FD',
      'AccessLogs8B620ECA',
      'AuditTrailFF0F2BB5',
      'State1C20CC9A',
      'Settings1CCB6159',
      'Exemptions0735ABD1',
      'DeadLettersBBF8BAAB',
      'AuditDatabase',
      'AuditRecords',
      'FunctionSecurityGroup37F9C17C',
      'EndpointSecurityGroupF840B798',
      'revokeopensshFunction810E0F3A',
      'revokeopensshLogs435338C9',
      'sweepFunction2A2788F2',
    ];

    // Act
    const ids = Object.keys(resources);

    // Assess
    expect(ids).toEqual(expect.arrayContaining(deployed));
  });
});

describe('Function: AirlockStack (remediation functions)', () => {
  it('deploys one function per registered remediation, and the sweep', () => {
    // Act
    const deployed = [...s.stack.remediationFunctions.keys()].sort();

    // Assess
    expect(deployed).toEqual(s.registries.remediations.map((r) => r.id).sort());
    expect(deployed.length).toBeGreaterThanOrEqual(1);
    s.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'airlock-sweep' });
  });

  it('runs every function on nodejs22.x, arm64, in the private subnets only, behind the airlock group', () => {
    // Prepare
    const functions = s.template.findResources('AWS::Lambda::Function');
    const groupId = s.stack.getLogicalId(s.stack.network.securityGroup.node.defaultChild as never);

    // Act
    const all = Object.values(functions).map((f) => f.Properties as Record<string, unknown>);

    // Assess
    expect(all.length).toBe(s.registries.remediations.length + s.registries.evaluators.length + 1);
    for (const p of all) {
      expect(p.Runtime).toBe('nodejs22.x');
      expect(p.Architectures).toEqual(['arm64']);
      expect(p.VpcConfig).toEqual({
        SubnetIds: [...s.context.privateSubnetIds],
        SecurityGroupIds: [{ 'Fn::GetAtt': [groupId, 'GroupId'] }],
      });
      // none reserved unless asked: a new account's concurrency quota refuses any reservation
      expect(p.ReservedConcurrentExecutions).toBeUndefined();
      expect(p.MemorySize).toBe(FUNCTION_MEMORY_MB);
      expect(p.Handler).toBe('index.handler');
    }
  });

  it('lets no security group send to 0.0.0.0/0 or ::/0, and the functions only HTTPS to the endpoints', () => {
    // Prepare
    const groups = s.template.findResources('AWS::EC2::SecurityGroup');
    const group = resourceOf(s.stack.network.securityGroup as never);
    const endpointGroup = s.stack.getLogicalId(
      s.stack.network.node.findChild('EndpointSecurityGroup').node.defaultChild as never,
    );

    // Act
    const inline = Object.values(groups).flatMap(
      (g) => (g.Properties as { SecurityGroupEgress?: Record<string, unknown>[] }).SecurityGroupEgress ?? [],
    );
    const separate = Object.values(s.template.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => r.Properties as Record<string, unknown>)
      .filter((p) => JSON.stringify(p.GroupId).includes(group.id));

    // Assess
    for (const rule of [...inline, ...separate]) {
      expect(rule.CidrIp).not.toBe('0.0.0.0/0');
      expect(rule.CidrIpv6).not.toBe('::/0');
    }
    // the rule that matches no traffic stays inline: EC2 would give a group without one its allow-all egress
    expect(group.Properties.SecurityGroupEgress).toEqual([
      {
        CidrIp: '255.255.255.255/32',
        Description: 'Disallow all traffic',
        FromPort: 252,
        IpProtocol: 'icmp',
        ToPort: 86,
      },
    ]);
    expect(
      separate
        .map((e) => [
          flattenReferences(e.DestinationPrefixListId ?? e.DestinationSecurityGroupId),
          e.IpProtocol,
          e.FromPort,
          e.ToPort,
        ])
        .sort(),
    ).toEqual(
      [
        ['pl-7ca54015', 'tcp', 443, 443],
        ['pl-b3a742da', 'tcp', 443, 443],
        [`<${endpointGroup}.GroupId>`, 'tcp', 443, 443],
      ].sort(),
    );
  });

  it('retries async invocations twice, then sends them to the KMS-encrypted dead-letter queue', () => {
    // Prepare
    const queue = resourceOf(s.stack.recovery.queue);
    const queueArn = { 'Fn::GetAtt': [queue.id, 'Arn'] };

    // Act & Assess
    for (const fn of s.stack.remediationFunctions.values()) {
      s.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: resourceOf(fn.fn).id },
        MaximumRetryAttempts: ASYNC_RETRIES,
        MaximumEventAgeInSeconds: MAX_EVENT_AGE.toSeconds(),
        DestinationConfig: { OnFailure: { Destination: queueArn } },
      });
    }
    s.template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: Match.absent(),
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] },
    });
  });

  it('gives each function only environment variables that the settings loader reads, and they parse', () => {
    for (const [id, fn] of s.stack.remediationFunctions) {
      // Prepare
      const env = environmentOf(s.stack, fn);

      // Act
      const settings = parseSettings(settingsFromEnv(env), 'environment');

      // Assess
      expect(settings.mode).toBe('dry-run');
      // the names CloudFormation gives, by reference
      expect(settings.table).toBe(`<${resourceOf(s.stack.storage.table).id}>`);
      expect(settings.audit.bucket).toBe(`<${resourceOf(s.stack.storage.audit).id}>`);
      expect(settings.parameter).toBe(`<${resourceOf(s.stack.storage.settingsParameter).id}>`);
      expect(settings.exemptions.parameter).toBe(`<${resourceOf(s.stack.storage.exemptionsParameter).id}>`);
      expect(settings.signingKey).toBe(
        `arn:aws:kms:${s.context.region}:${s.context.account}:key/${resourceOf(s.stack.storage.signingKey).id}`,
      );
      expect(settings.allowedAccounts).toEqual([s.context.account]);
      // airlock's own roles by ARN: the same list the fast path's patterns drop
      expect(settings.ownPrincipals).toEqual(
        (
          s.stack.remediations.get('revoke-open-ssh')!.apiCallPattern!.detail as {
            userIdentity: { sessionContext: { sessionIssuer: { arn: [{ 'anything-but': string[] }] } } };
          }
        ).userIdentity.sessionContext.sessionIssuer.arn[0]['anything-but'],
      );
      const remediation = s.registries.remediations.find((r) => r.id === id)!;
      expect(() => remediation.settingsSchema.parse(settings.remediations[id]?.settings ?? {})).not.toThrow();
      const airlockKeys = Object.keys(env).filter((k) => k.startsWith('AIRLOCK_'));
      expect(airlockKeys).toEqual(expect.arrayContaining(['AIRLOCK_MODE', 'AIRLOCK_REMEDIATIONS']));
    }
  });
});

describe('Function: AirlockStack (EventBridge rules)', () => {
  const ruleOf = (id: string) => {
    const rule = s.stack.eventRules.get(id)!;
    return resourceOf(rule).Properties as { EventPattern: unknown; Targets: { Arn: unknown }[] };
  };

  it('targets each remediation function with its own rule', () => {
    for (const [id, fn] of s.stack.remediationFunctions) {
      // Act
      const rule = ruleOf(id);

      // Assess
      expect(rule.Targets.map((t) => t.Arn)).toEqual([{ 'Fn::GetAtt': [resourceOf(fn.fn).id, 'Arn'] }]);
    }
  });

  it('matches a real NON_COMPLIANT event of each of its rules, and not the COMPLIANT one', () => {
    for (const remediation of s.registries.remediations) {
      // Prepare
      const pattern = ruleOf(remediation.id).EventPattern;
      const resourceId = remediation.resourceKind.example;

      for (const rule of remediation.configRuleNames) {
        // Act
        const real = matchesPattern(pattern, realComplianceEvent(rule, remediation.resourceType, resourceId));
        const built = matchesPattern(
          pattern,
          complianceEvent({ resourceType: remediation.resourceType, resourceId, rule }),
        );
        const compliant = matchesPattern(
          pattern,
          realComplianceEvent(rule, remediation.resourceType, resourceId, 'COMPLIANT'),
        );

        // Assess
        expect({ rule, real, built, compliant }).toEqual({ rule, real: true, built: true, compliant: false });
      }
    }
  });

  it("does not match another remediation's events, nor any real fixture of other rules", () => {
    // Prepare
    const fixtures = listRealWorld(COMPLIANCE_FOLDER).map((f) => loadRealWorld(`${COMPLIANCE_FOLDER}/${f}`));

    for (const remediation of s.registries.remediations) {
      const pattern = ruleOf(remediation.id).EventPattern;
      for (const other of s.registries.remediations.filter((r) => r.id !== remediation.id)) {
        for (const rule of other.configRuleNames) {
          // Act
          const matched = matchesPattern(
            pattern,
            realComplianceEvent(rule, other.resourceType, other.resourceKind.example),
          );

          // Assess
          expect({ remediation: remediation.id, rule, matched }).toEqual({
            remediation: remediation.id,
            rule,
            matched: false,
          });
        }
      }
      // Assess
      expect(fixtures.filter((f) => matchesPattern(pattern, f))).toEqual([]);
    }
  });

  it('does not match a right rule name on the wrong resource type, nor the manual source', () => {
    for (const remediation of s.registries.remediations) {
      // Prepare
      const pattern = ruleOf(remediation.id).EventPattern;
      const rule = remediation.configRuleNames[0]!;
      const wrongType = realComplianceEvent(rule, 'AWS::IAM::User', 'AIDAEXAMPLE');
      const manual = {
        ...realComplianceEvent(rule, remediation.resourceType, remediation.resourceKind.example),
        source: 'airlock.manual',
      };

      // Act & Assess
      expect(matchesPattern(pattern, wrongType)).toBe(false);
      expect(matchesPattern(pattern, manual)).toBe(false);
    }
  });
});

describe('Function: AirlockStack (CloudTrail fast path)', () => {
  it('routes the API calls a remediation declares to its function, and nothing else', () => {
    const withCalls = s.registries.remediations.filter((r) => r.cloudTrail);
    expect(withCalls.length).toBeGreaterThanOrEqual(1);
    for (const remediation of withCalls) {
      // Prepare
      const rule = resourceOf(s.stack.apiCallRules.get(remediation.id)!).Properties as {
        EventPattern: unknown;
        Targets: { Arn: unknown }[];
      };
      const trail = remediation.cloudTrail!;
      const call = (eventName: string) => ({
        version: '0',
        id: 'c2f1c1a0-0000-4000-8000-000000000001',
        'detail-type': 'AWS API Call via CloudTrail',
        source: `aws.${trail.eventSource.split('.')[0]}`,
        account: s.context.account,
        region: s.context.region,
        detail: { eventSource: trail.eventSource, eventName },
      });

      // Act
      const matched = trail.eventNames.map((name) => matchesPattern(rule.EventPattern, call(name)));
      const other = matchesPattern(rule.EventPattern, call('DescribeEverything'));
      const compliance = matchesPattern(
        rule.EventPattern,
        complianceEvent({
          resourceType: remediation.resourceType,
          resourceId: remediation.resourceKind.example,
          rule: remediation.configRuleNames[0]!,
        }),
      );

      // Assess
      expect({ id: remediation.id, matched, other, compliance }).toEqual({
        id: remediation.id,
        matched: trail.eventNames.map(() => true),
        other: false,
        compliance: false,
      });
      const fn = s.stack.remediationFunctions.get(remediation.id)!;
      expect(rule.Targets.map((t) => t.Arn)).toEqual([{ 'Fn::GetAtt': [resourceOf(fn.fn).id, 'Arn'] }]);
    }
  });
});

describe('Function: AirlockStack (storage)', () => {
  it('keeps the audit trail under Object Lock in compliance mode, versioned, KMS-encrypted, private, logged', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: Match.absent(),
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: s.context.auditRetentionDays } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'audit-trail/' },
    });
  });

  it('denies every request to the audit trail that is not over TLS', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it("keys the table on 'id', expires on 'expiration', with point-in-time recovery and the airlock key", () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: Match.absent(),
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
    });
  });

  it('creates the settings parameter in the context mode and an empty exemption register', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: NAMES.settingsParameter,
      Type: 'String',
      Value: JSON.stringify({ mode: 'dry-run' }),
    });
    s.template.hasResourceProperties('AWS::SSM::Parameter', { Name: NAMES.exemptionsParameter, Value: '[]' });
  });

  it('points the Athena table at the layout the S3 sink writes', () => {
    // Prepare
    const table = Object.values(s.template.findResources('AWS::Glue::Table'))[0]!.Properties as {
      TableInput: { Parameters: Record<string, unknown>; PartitionKeys: { Name: string }[] };
    };
    const record = sampleRecord({ account: s.context.account, region: s.context.region });

    // Act
    const key = recordKey(record, NAMES.auditPrefix);
    const location = flattenReferences(table.TableInput.Parameters['storage.location.template']).replace(
      /\$\{(dt|account|region)\}/g,
      (_, name: string) =>
        ({ dt: '2026-11-20', account: s.context.account, region: s.context.region })[name] ?? '',
    );

    // Assess
    expect(`s3://<${resourceOf(s.stack.storage.audit).id}>/${key}`).toBe(`${location}${record.id}.json`);
    expect(table.TableInput.PartitionKeys.map((k) => k.Name)).toEqual(['dt', 'account', 'region']);
    expect(table.TableInput.Parameters['projection.enabled']).toBe('true');
  });
});

describe('Function: AirlockStack (Config, SSM, network, alarms)', () => {
  it('deploys each managed rule under a name its remediation listens to', () => {
    // Prepare
    const managed = s.stack.plannedRules.filter((p) => p.source.kind === 'managed');

    // Act & Assess
    expect(managed.length).toBeGreaterThanOrEqual(1);
    for (const planned of managed) {
      const remediation = s.registries.remediations.find((r) => r.id === planned.remediationId)!;
      expect(remediation.configRuleNames).toContain(planned.name);
      if (planned.source.kind !== 'managed') continue;
      expect(MANAGED_RULES[planned.source.identifier]).toBeDefined();
      s.template.hasResourceProperties('AWS::Config::ConfigRule', {
        ConfigRuleName: planned.name,
        Source: { Owner: 'AWS', SourceIdentifier: planned.source.identifier },
      });
    }
  });

  it('deploys restricted-ssh as INCOMING_SSH_DISABLED scoped to security groups', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::Config::ConfigRule', {
      ConfigRuleName: 'airlock-restricted-ssh',
      Source: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
      Scope: { ComplianceResourceTypes: ['AWS::EC2::SecurityGroup'] },
    });
  });

  it('deploys each SSM document as committed and wires a manual Config remediation to it', () => {
    for (const remediation of s.registries.remediations) {
      // Prepare
      const content = parse(
        readFileSync(join(import.meta.dirname, '..', 'ssm-documents', `${remediation.id}.yaml`), 'utf8'),
      );

      // Act & Assess
      s.template.hasResourceProperties('AWS::SSM::Document', {
        Name: `airlock-${remediation.id}`,
        DocumentType: 'Automation',
        DocumentFormat: 'JSON',
        Content: content,
      });
      for (const planned of s.stack.plannedRules.filter((p) => p.remediationId === remediation.id)) {
        s.template.hasResourceProperties('AWS::Config::RemediationConfiguration', {
          ConfigRuleName: planned.name,
          TargetType: 'SSM_DOCUMENT',
          TargetId: `airlock-${remediation.id}`,
          Automatic: false,
          Parameters: Match.objectLike({
            ResourceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
            ConfigRuleName: { StaticValue: { Values: [planned.name] } },
          }),
        });
      }
    }
  });

  it('creates the endpoints of the services the functions call, and no other', () => {
    // Prepare
    const endpoints = Object.values(s.template.findResources('AWS::EC2::VPCEndpoint')).map(
      (e) => e.Properties as { ServiceName: unknown; VpcEndpointType: string; PrivateDnsEnabled?: boolean },
    );

    // Act
    const services = endpoints.map((e) => flattenReferences(e.ServiceName).split('.').at(-1)).sort();

    // Assess
    // STS only serves the member roles (many accounts), CloudWatch Logs no function calls; KMS signs records
    // EventBridge: the remediations publish their records on the audit bus (securityhub only with findings)
    expect(services).toEqual([
      'config',
      'dynamodb',
      'ec2',
      'eks',
      'events',
      'kms',
      'lambda',
      's3',
      'sqs',
      'ssm',
    ]);
    expect(Object.keys(INTERFACE_ENDPOINTS)).not.toContain('logs');
    expect(endpoints.filter((e) => e.VpcEndpointType === 'Gateway').length).toBe(2);
    expect(endpoints.filter((e) => e.VpcEndpointType === 'Interface').every((e) => e.PrivateDnsEnabled)).toBe(
      true,
    );
  });

  it('alarms on dead letters, errors, throttles and suppressed writes, to the encrypted topic', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'airlock-dead-letters',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alarms') }],
    });
    for (const id of s.stack.remediationFunctions.keys()) {
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `airlock-${id}-errors`,
        MetricName: 'Errors',
      });
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `airlock-${id}-throttles`,
        MetricName: 'Throttles',
      });
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `airlock-${id}-suppressed`,
        Namespace: 'airlock',
        MetricName: 'Suppressed',
        Dimensions: [{ Name: 'remediation', Value: id }],
      });
      s.template.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterName: `airlock-${id}-suppressed`,
        FilterPattern: '{ $.audit.outcome = "SUPPRESSED" }',
        MetricTransformations: [
          Match.objectLike({ MetricNamespace: 'airlock', MetricName: 'Suppressed', MetricValue: '1' }),
        ],
      });
    }
    s.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
  });

  it('runs the sweep on a schedule', () => {
    // Act & Assess
    s.template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'airlock-sweep',
      ScheduleExpression: Schedule.rate(Duration.minutes(s.context.sweepEveryMinutes)).expressionString,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [resourceOf(s.stack.sweep.fn).id, 'Arn'] } })],
    });
  });
});

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every policy statement attached to a function's role, from the template. */
function statementsOf(fn: AirlockFunction): Statement[] {
  const roleId = resourceOf(fn.role).id;
  const role = resources[roleId]!.Properties;
  expect(role.Policies).toBeUndefined();
  expect(role.ManagedPolicyArns).toBeUndefined();
  const attached = Object.values(resources).filter(
    (r) =>
      (r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy') &&
      JSON.stringify((r.Properties as { Roles?: unknown }).Roles ?? []).includes(`"${roleId}"`),
  );
  expect(attached.length).toBe(1);
  return (attached[0]!.Properties as { PolicyDocument: { Statement: Statement[] } }).PolicyDocument.Statement;
}

const actionsOf = (statements: Statement[]) =>
  [...new Set(statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])))].sort();

const unique = (xs: readonly string[]) => [...new Set(xs)].sort();

describe('Function: AirlockStack (least privilege)', () => {
  it("grants each remediation exactly its actions in the deployment's settings and the pipeline's fixed set", () => {
    for (const remediation of s.registries.remediations) {
      // Prepare
      const fn = s.stack.remediationFunctions.get(remediation.id)!;
      const settings = remediationOverride(remediation, s.context).settings;
      const expected = unique([
        ...functionActions(remediation, settings),
        ...REMEDIATION_FIXED_ACTIONS,
        ...PUBLISH_ACTIONS,
      ]);

      // Act
      const actions = actionsOf(statementsOf(fn));

      // Assess
      expect({ id: remediation.id, actions }).toEqual({ id: remediation.id, actions: expected });
    }
  });

  it('grants no undo-only action: routes are deleted, never created; SSH rules revoked, never authorised by default', () => {
    // Prepare
    const actionsOfFunction = (id: string) => actionsOf(statementsOf(s.stack.remediationFunctions.get(id)!));

    // Act
    const routes = actionsOfFunction('strip-internet-routes');
    const ssh = actionsOfFunction('revoke-open-ssh');

    // Assess: the remediation's own actions, beside the pipeline's fixed set
    const own = (a: string) => !REMEDIATION_FIXED_ACTIONS.includes(a) && a !== 'events:PutEvents';
    expect(routes.filter(own)).toEqual(['ec2:DeleteRoute', 'ec2:DescribeRouteTables']);
    expect(ssh.filter(own)).toEqual([
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'ec2:GetManagedPrefixListEntries',
      'ec2:RevokeSecurityGroupIngress',
    ]);
  });

  it('grants each evaluator exactly its declared permissions and the runtime set', () => {
    // Prepare
    expect(s.registries.evaluators.length).toBeGreaterThanOrEqual(1);

    for (const evaluator of s.registries.evaluators) {
      const fn = s.stack.evaluatorFunctions.get(evaluator.id)!;

      // Act
      const actions = actionsOf(statementsOf(fn));

      // Assess
      expect({ id: evaluator.id, actions }).toEqual({
        id: evaluator.id,
        actions: unique([...evaluator.permissions, ...EVALUATOR_FIXED_ACTIONS]),
      });
    }
  });

  it('grants the sweep only the queue, the key, the remediation functions and the rules', () => {
    // Act
    const statements = statementsOf(s.stack.sweep);

    // Assess
    expect(actionsOf(statements)).toEqual(
      unique([
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:SendMessage',
        'kms:Decrypt',
        'kms:GenerateDataKey',
        'lambda:InvokeFunction',
        'config:StartConfigRulesEvaluation',
        'config:GetComplianceDetailsByConfigRule',
        ...EVALUATOR_FIXED_ACTIONS,
      ]),
    );
    const invoke = statements.find((st) => st.Action === 'lambda:InvokeFunction')!;
    expect(invoke.Resource).toEqual(
      [...s.stack.remediationFunctions.values()].map(
        (f) => `arn:aws:lambda:${s.context.region}:${s.context.account}:function:${f.functionName}`,
      ),
    );
  });

  it('uses no wildcard action, and "*" resources only for actions AWS documents as "*"-only', () => {
    // Prepare
    const functions = [
      ...s.stack.remediationFunctions.values(),
      ...s.stack.evaluatorFunctions.values(),
      s.stack.sweep,
    ];

    for (const fn of functions) {
      // Act
      const statements = statementsOf(fn);

      // Assess
      for (const st of statements) {
        const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
        expect(st.Effect).toBe('Allow');
        expect(actions.filter((a) => a.includes('*'))).toEqual([]);
        const res = Array.isArray(st.Resource) ? st.Resource : [st.Resource];
        if (res.includes('*')) {
          expect(res).toEqual(['*']);
          expect(actions.filter((a) => !isStarOnlyAction(a))).toEqual([]);
        }
      }
    }
  });

  it('scopes writes to resource types in this account and region, and S3 to this account', () => {
    // Prepare
    const ssh = s.stack.remediationFunctions.get('revoke-open-ssh')!;

    // Act
    const revoke = statementsOf(ssh).find((st) =>
      (Array.isArray(st.Action) ? st.Action : [st.Action]).includes('ec2:RevokeSecurityGroupIngress'),
    )!;

    // Assess
    expect(revoke.Resource).toEqual([
      `arn:aws:ec2:${s.context.region}:${s.context.account}:security-group/*`,
      `arn:aws:ec2:${s.context.region}:${s.context.account}:security-group-rule/*`,
    ]);
    const s3 = s.stack.remediationFunctions.get('block-public-s3');
    if (s3) {
      const put = statementsOf(s3).find((st) =>
        (Array.isArray(st.Action) ? st.Action : [st.Action]).includes('s3:PutBucketPublicAccessBlock'),
      )!;
      expect(put.Condition).toEqual({ StringEquals: { 's3:ResourceAccount': s.context.account } });
    }
  });

  it('lets each automation role invoke its own function and nothing else', () => {
    for (const id of s.stack.remediationFunctions.keys()) {
      // Act & Assess
      s.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
        ManagedPolicyName: `airlock-${id}-automation`,
        PolicyDocument: {
          Statement: [
            {
              Effect: 'Allow',
              Action: 'lambda:InvokeFunction',
              Resource: `arn:aws:lambda:${s.context.region}:${s.context.account}:function:airlock-${id}`,
            },
          ],
        },
      });
    }
  });
});

describe('Function: AirlockStack (custom rules)', () => {
  it('deploys one custom rule per evaluator, triggered on change and periodically, invoking its function', () => {
    for (const evaluator of s.registries.evaluators) {
      // Prepare
      const fn = s.stack.evaluatorFunctions.get(evaluator.id)!;
      const fnId = resourceOf(fn.fn).id;

      // Act & Assess
      s.template.hasResourceProperties('AWS::Config::ConfigRule', {
        ConfigRuleName: evaluator.ruleName,
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: { 'Fn::GetAtt': [fnId, 'Arn'] },
          SourceDetails: Match.arrayWith([
            { EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' },
            Match.objectLike({ EventSource: 'aws.config', MessageType: 'ScheduledNotification' }),
          ]),
        },
        Scope: { ComplianceResourceTypes: [evaluator.resourceType] },
      });
      s.template.hasResourceProperties('AWS::Lambda::Permission', {
        FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
        Principal: 'config.amazonaws.com',
        SourceAccount: s.context.account,
      });
    }
  });
});

describe('Function: AirlockStack (cdk-nag)', () => {
  it('has no unacknowledged AwsSolutions, NIST 800-53 R5 or PCI DSS 3.2.1 finding', () => {
    // Act
    const reports = nagPacks(s.app).map((pack) => ({
      pack: pack.readPackName,
      report: pack.validateScope(s.app),
    }));

    // Assess
    const findings = reports.flatMap(({ pack, report }) =>
      report.violations.map(
        (v) => `${pack} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
    );
    expect(findings).toEqual([]);
    expect(reports.map((r) => r.pack)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321']);
  });

  it('gives every acknowledged finding a reason', () => {
    // Prepare
    const acknowledged = s.app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.entries(m.data as Record<string, unknown>));

    // Assess
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const [id, reason] of acknowledged) {
      expect({ id, reason: typeof reason === 'string' && reason.length >= 20 }).toEqual({ id, reason: true });
    }
  });
});

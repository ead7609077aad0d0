import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { CfnConfigRule, CfnRemediationConfiguration } from 'aws-cdk-lib/aws-config';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import {
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  Peer,
  Port,
  SecurityGroup,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import { EventBus, type EventPattern, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import {
  AnyPrincipal,
  Effect,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { CfnDocument, ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { parse } from 'yaml';
import { cloudTrailEventPattern } from '../shared/cloudtrail.js';
import { COMPLIANCE_CHANGE, ComplianceType, EVENT_SOURCES } from '../shared/event.js';
import type { AnyRemediation } from '../shared/remediation.js';
import type { ENV } from '../shared/settings.js';
import { AirlockFunction, type Shared } from './airlock-function.js';
import { PERIODIC_FREQUENCY, type PlannedRule, planConfigRules } from './config-rules.js';
import type { AirlockContext } from './context.js';
import { Grants } from './grants.js';
import { centralRoleNames, type MemberStackProps, memberTemplateBody } from './member-stack.js';
import { acknowledge } from './nag.js';
import { functionActions, PIPELINE_ACTIONS, resourcesFor, type Scope } from './permissions.js';
import type { EvaluatorDescriptor, Registries } from './registries.js';
import { documentNameOf } from './ssm-document.js';

/** The environment a remediation function gets: only names that shared/settings.ts reads. */
type AirlockEnv = Partial<Record<keyof typeof ENV, string>>;

export const NAMES = {
  table: 'airlock',
  settingsParameter: '/airlock/settings',
  exemptionsParameter: '/airlock/exemptions',
  deadLetterQueue: 'airlock-dead-letters',
  auditPrefix: 'audit/',
  metricNamespace: 'airlock',
  suppressedMetric: 'Suppressed',
  glueDatabase: 'airlock',
  glueTable: 'audit_records',
} as const;

/** Interface endpoints the functions reach AWS through when the VPC has no route out. */
export const INTERFACE_ENDPOINTS = {
  ec2: InterfaceVpcEndpointAwsService.EC2,
  eks: InterfaceVpcEndpointAwsService.EKS,
  ssm: InterfaceVpcEndpointAwsService.SSM,
  sts: InterfaceVpcEndpointAwsService.STS,
  config: InterfaceVpcEndpointAwsService.CONFIG,
  logs: InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  sqs: InterfaceVpcEndpointAwsService.SQS,
  kms: InterfaceVpcEndpointAwsService.KMS,
  lambda: InterfaceVpcEndpointAwsService.LAMBDA,
} as const;

export interface AirlockStackProps extends StackProps {
  readonly context: AirlockContext;
  readonly registries: Registries;
  /** Where the function bundles are (`dist/`). */
  readonly distDir: string;
  /** Where the SSM Automation documents are (`ssm-documents/`). */
  readonly documentsDir: string;
}

/**
 * airlock's deployment, generated from the registries: one function, EventBridge rule, role, SSM
 * document and Config remediation per remediation; one custom Config rule and evaluator per
 * evaluator; the managed rules; the audit trail, table, parameters, dead-letter queue, sweep and alarms.
 */
export class AirlockStack extends Stack {
  readonly remediationFunctions = new Map<string, AirlockFunction>();
  readonly evaluatorFunctions = new Map<string, AirlockFunction>();
  readonly eventRules = new Map<string, Rule>();
  /** The fast path's rules ("AWS API Call via CloudTrail"), for remediations that declare the calls. */
  readonly apiCallRules = new Map<string, Rule>();
  readonly configRules = new Map<string, CfnConfigRule>();
  /** Many accounts: the central bus, its rules (per remediation) and the member StackSet. */
  readonly bus?: EventBus;
  readonly busRules = new Map<string, Rule>();
  readonly busApiCallRules = new Map<string, Rule>();
  readonly memberStackSet?: CfnStackSet;
  /** What the StackSet deploys in each member account and region. */
  readonly memberProps?: MemberStackProps;
  private readonly patterns = new Map<string, EventPattern>();
  readonly sweep: AirlockFunction;
  readonly plannedRules: readonly PlannedRule[];

  constructor(scope: Construct, id: string, props: AirlockStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.context.account, region: props.context.region },
      description:
        'airlock: event-driven remediation of AWS Config findings on an internet-isolated platform',
    });
    // server access logs are delivered under a bucket policy, not the legacy log-delivery ACL
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const c = props.context;
    const where: Scope = { partition: c.partition, account: c.account, region: c.region };
    const arn = (service: string, resource: string) =>
      `arn:${c.partition}:${service}:${c.region}:${c.account}:${resource}`;

    // ---- keys, storage, parameters ----------------------------------------------------------
    const key = new Key(this, 'Key', {
      alias: 'alias/airlock',
      description: 'airlock: audit trail, table, dead-letter queue, logs, alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsOfAirlockFunctions',
        principals: [new ServicePrincipal(`logs.${c.region}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': arn('logs', 'log-group:/aws/lambda/airlock-*') },
        },
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsToTheEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': c.account } },
      }),
    );

    const accessLogs = new Bucket(this, 'AccessLogs', {
      bucketName: `airlock-access-logs-${c.account}-${c.region}`,
      // S3 server access logging delivers only to buckets encrypted with S3-managed keys
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        {
          expiration: Duration.days(Math.max(c.auditRetentionDays, 365)),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const auditBucketName = `airlock-audit-${c.account}-${c.region}`;
    const audit = new Bucket(this, 'AuditTrail', {
      bucketName: auditBucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(c.auditRetentionDays)),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'audit-trail/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const table = new Table(this, 'State', {
      tableName: NAMES.table,
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const settingsParameter = new StringParameter(this, 'Settings', {
      parameterName: NAMES.settingsParameter,
      description:
        'airlock settings override (JSON): flip "mode" to dry-run to stop every write without a deploy',
      stringValue: JSON.stringify({ mode: c.mode }),
      tier: ParameterTier.STANDARD,
    });
    const exemptionsParameter = new StringParameter(this, 'Exemptions', {
      parameterName: NAMES.exemptionsParameter,
      description: 'airlock exemption register (JSON array), controlled by the security team',
      stringValue: '[]',
      tier: ParameterTier.STANDARD,
    });

    const deadLetters = new Queue(this, 'DeadLetters', {
      queueName: NAMES.deadLetterQueue,
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      visibilityTimeout: Duration.minutes(10),
    });
    const deadLetterQueueArn = arn('sqs', NAMES.deadLetterQueue);

    const alarmTopic = new Topic(this, 'Alarms', {
      topicName: 'airlock-alarms',
      displayName: 'airlock alarms',
      masterKey: key,
      enforceSSL: true,
    });

    this.auditTable(auditBucketName, c);

    // ---- network -------------------------------------------------------------------------------
    const vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: c.vpcId,
      vpcCidrBlock: c.vpcCidr,
      availabilityZones: [...c.availabilityZones],
      privateSubnetIds: [...c.privateSubnetIds],
      privateSubnetRouteTableIds: [...c.privateRouteTableIds],
    });
    const securityGroup = new SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc,
      description: 'airlock functions: HTTPS to the VPC endpoints only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(
      Peer.ipv4(c.vpcCidr),
      Port.tcp(443),
      'HTTPS to the interface endpoints in the VPC',
    );
    // gateway endpoints route to the services' public ranges: the managed prefix lists name them
    if (c.s3PrefixListId) {
      securityGroup.addEgressRule(
        Peer.prefixList(c.s3PrefixListId),
        Port.tcp(443),
        'HTTPS to S3 through its gateway endpoint',
      );
    }
    if (c.dynamodbPrefixListId) {
      securityGroup.addEgressRule(
        Peer.prefixList(c.dynamodbPrefixListId),
        Port.tcp(443),
        'HTTPS to DynamoDB through its gateway endpoint',
      );
    }
    if (c.createVpcEndpoints) {
      const endpointGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
        vpc,
        description: 'airlock interface endpoints: HTTPS from the airlock functions',
        allowAllOutbound: false,
      });
      endpointGroup.addIngressRule(securityGroup, Port.tcp(443), 'HTTPS from the airlock functions');
      for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
        vpc.addInterfaceEndpoint(`Endpoint-${name}`, {
          service,
          privateDnsEnabled: true,
          securityGroups: [endpointGroup],
          subnets: { subnets: vpc.privateSubnets },
          open: false,
        });
      }
      vpc.addGatewayEndpoint('Endpoint-s3', {
        service: GatewayVpcEndpointAwsService.S3,
        subnets: [{ subnets: vpc.privateSubnets }],
      });
      vpc.addGatewayEndpoint('Endpoint-dynamodb', {
        service: GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: [{ subnets: vpc.privateSubnets }],
      });
    }

    const shared: Shared = {
      vpc,
      securityGroup,
      subnetIds: c.privateSubnetIds,
      key,
      deadLetterQueueArn,
      alarmTopic,
      logRetention: c.logRetentionDays as RetentionDays,
      distDir: props.distDir,
      partition: c.partition,
      account: c.account,
      region: c.region,
    };

    // ---- remediations, from the registry ----------------------------------------------------------
    const { rules, unmatched } = planConfigRules(props.registries.remediations, props.registries.evaluators);
    this.plannedRules = rules;
    if (unmatched.length) {
      Annotations.of(this).addWarningV2(
        'airlock:unmatched-rules',
        `no Config rule deployed for ${unmatched.join('; ')}: their events must come from rules the platform runs`,
      );
    }
    if (c.createVpcEndpoints && (!c.s3PrefixListId || !c.dynamodbPrefixListId)) {
      Annotations.of(this).addWarningV2(
        'airlock:prefix-lists',
        'S3 and DynamoDB are reached through gateway endpoints: set the s3PrefixListId and dynamodbPrefixListId context keys so that the functions may send to them',
      );
    }
    for (const remediation of props.registries.remediations) {
      const grants = new Grants();
      this.addDescriptorGrants(
        grants,
        functionActions(remediation, remediationOverride(remediation, c).settings),
        where,
      );
      grants
        .add(PIPELINE_ACTIONS.table, [table.tableArn], 'the table')
        .add(
          PIPELINE_ACTIONS.audit,
          [`arn:${c.partition}:s3:::${auditBucketName}/${NAMES.auditPrefix}*`],
          'audit records are written under the audit prefix, one object per record, keyed by date, account, region and record id',
        )
        .add(
          PIPELINE_ACTIONS.parameters,
          [settingsParameter.parameterArn, exemptionsParameter.parameterArn],
          'parameters',
        )
        .add(PIPELINE_ACTIONS.key, [key.keyArn], 'key')
        .add(PIPELINE_ACTIONS.deadLetter, [deadLetterQueueArn], 'queue');
      if (c.organization) {
        grants.add(
          ['sts:AssumeRole'],
          [`arn:${c.partition}:iam::*:role/${c.organization.memberRoleName}`],
          'the member role has one name in every account of the organization (the StackSet creates it in accounts that join later); aws:ResourceOrgID keeps it inside the organization',
          { StringEquals: { 'aws:ResourceOrgID': c.organization.organizationId } },
        );
      }
      const fn = new AirlockFunction(this, {
        id: remediation.id,
        description: `airlock ${remediation.id}: ${remediation.title}`.slice(0, 256),
        environment: this.remediationEnv(remediation, c, auditBucketName),
        grants,
        shared,
      });
      this.remediationFunctions.set(remediation.id, fn);

      const ruleNames = [
        ...new Set([
          ...remediation.configRuleNames,
          ...((c.remediations[remediation.id]?.configRuleNames as string[] | undefined) ?? []),
        ]),
      ];
      const eventRule = new Rule(this, `${remediation.id}-Events`, {
        ruleName: `airlock-${remediation.id}`,
        description:
          `NON_COMPLIANT ${remediation.resourceType} from ${ruleNames.join(', ')} -> airlock-${remediation.id}`.slice(
            0,
            512,
          ),
        eventPattern: this.remember(remediation.id, 'compliance', {
          source: [EVENT_SOURCES.config],
          detailType: [COMPLIANCE_CHANGE],
          detail: {
            configRuleName: ruleNames,
            newEvaluationResult: { complianceType: [ComplianceType.NON_COMPLIANT] },
            resourceType: [remediation.resourceType],
          },
        }),
      });
      eventRule.addTarget(new LambdaTarget(fn.fn, { retryAttempts: 4, maxEventAge: Duration.hours(2) }));
      this.eventRules.set(remediation.id, eventRule);

      // the fast path: the API calls that can cause the drift, as CloudTrail delivers them (needs a trail)
      if (remediation.cloudTrail) {
        const pattern = cloudTrailEventPattern(remediation.cloudTrail);
        const apiCalls = new Rule(this, `${remediation.id}-ApiCalls`, {
          ruleName: `airlock-${remediation.id}-api-calls`,
          description:
            `${pattern.detail.eventName.join(', ')} (CloudTrail) -> airlock-${remediation.id}`.slice(0, 512),
          eventPattern: this.remember(remediation.id, 'apiCalls', {
            source: pattern.source,
            detailType: pattern['detail-type'],
            detail: pattern.detail,
          }),
        });
        apiCalls.addTarget(new LambdaTarget(fn.fn, { retryAttempts: 4, maxEventAge: Duration.hours(2) }));
        this.apiCallRules.set(remediation.id, apiCalls);
      }

      new MetricFilter(this, `${remediation.id}-Suppressed`, {
        logGroup: fn.logGroup,
        filterName: `airlock-${remediation.id}-suppressed`,
        filterPattern: FilterPattern.stringValue('$.audit.outcome', '=', 'SUPPRESSED'),
        metricNamespace: NAMES.metricNamespace,
        metricName: NAMES.suppressedMetric,
        metricValue: '1',
        dimensions: { remediation: '$.audit.remediation' },
      });
      new Alarm(this, `${remediation.id}-SuppressedAlarm`, {
        alarmName: `airlock-${remediation.id}-suppressed`,
        alarmDescription: `airlock-${remediation.id}: the blast-radius breaker is open; an operator must review and reset it`,
        metric: new Metric({
          namespace: NAMES.metricNamespace,
          metricName: NAMES.suppressedMetric,
          dimensionsMap: { remediation: remediation.id },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(new SnsAction(alarmTopic));
    }

    // ---- many accounts: the central bus, the same rules on it, the member StackSet -------------------
    if (c.organization) {
      const org = c.organization;
      this.bus = new EventBus(this, 'CentralBus', {
        eventBusName: org.busName,
        description:
          'airlock: Config and CloudTrail events forwarded by the member accounts of the organization',
      });
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: 'MembersOfTheOrganizationOnly',
          principals: [new AnyPrincipal()],
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: { StringEquals: { 'aws:PrincipalOrgID': org.organizationId } },
        }),
      );
      // forwarded events keep their own account and region: the functions act there (member role)
      for (const remediation of props.registries.remediations) {
        const fn = this.remediationFunctions.get(remediation.id);
        const compliance = this.eventRules.get(remediation.id);
        if (!fn || !compliance) continue;
        const target = () => new LambdaTarget(fn.fn, { retryAttempts: 4, maxEventAge: Duration.hours(2) });
        const onBus = new Rule(this, `${remediation.id}-BusEvents`, {
          eventBus: this.bus,
          ruleName: `airlock-${remediation.id}`,
          description: `member accounts: ${remediation.resourceType} NON_COMPLIANT -> airlock-${remediation.id}`,
          eventPattern: this.patterns.get(`${remediation.id}|compliance`)!,
        });
        onBus.addTarget(target());
        this.busRules.set(remediation.id, onBus);
        const apiCalls = this.apiCallRules.get(remediation.id);
        if (apiCalls) {
          const onBusCalls = new Rule(this, `${remediation.id}-BusApiCalls`, {
            eventBus: this.bus,
            ruleName: `airlock-${remediation.id}-api-calls`,
            description: `member accounts: CloudTrail calls -> airlock-${remediation.id}`,
            eventPattern: this.patterns.get(`${remediation.id}|apiCalls`)!,
          });
          onBusCalls.addTarget(target());
          this.busApiCallRules.set(remediation.id, onBusCalls);
        }
      }
      this.memberProps = {
        remediations: props.registries.remediations,
        organizationId: org.organizationId,
        externalId: org.externalId,
        roleName: org.memberRoleName,
        centralAccount: c.account,
        centralRegion: c.region,
        centralPartition: c.partition,
        busName: org.busName,
        centralRoleNames: centralRoleNames(props.registries.remediations),
        memberRegions: org.memberRegions,
        roleRegion: org.memberRoleRegion,
      };
      // the member template rides inline (TemplateBody): synthesized here, offline, no asset bucket
      // that every member account would have to read
      this.memberStackSet = new CfnStackSet(this, 'MemberStackSet', {
        stackSetName: 'airlock-member',
        description: 'airlock member role and event forwarding, in every account of the member OUs',
        permissionModel: 'SERVICE_MANAGED',
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        callAs: org.stackSetCallAs,
        capabilities: ['CAPABILITY_NAMED_IAM'],
        managedExecution: { Active: true },
        operationPreferences: {
          regionConcurrencyType: 'PARALLEL',
          maxConcurrentPercentage: 25,
          failureTolerancePercentage: 10,
        },
        stackInstancesGroup: [
          {
            deploymentTargets: { organizationalUnitIds: [...org.memberOrganizationalUnitIds] },
            regions: [...org.memberRegions],
          },
        ],
        templateBody: memberTemplateBody(this.memberProps),
      });
      // the member role trusts the functions' roles by ARN: they must exist first
      for (const fn of this.remediationFunctions.values()) this.memberStackSet.node.addDependency(fn.role);
    }

    // ---- evaluators of the custom rules -----------------------------------------------------------
    for (const evaluator of props.registries.evaluators) {
      const grants = new Grants();
      this.addDescriptorGrants(grants, evaluator.permissions, {
        ...where,
        parameters: [settingsParameter.parameterArn],
      });
      grants
        .add(['sqs:SendMessage'], [deadLetterQueueArn], 'queue')
        .add(['kms:Decrypt', 'kms:GenerateDataKey'], [key.keyArn], 'key');
      const remediation = props.registries.remediations.find((r) => r.id === evaluator.remediationId);
      const fn = new AirlockFunction(this, {
        id: evaluator.id,
        description: `airlock ${evaluator.id}: evaluates Config rule ${evaluator.ruleName}`,
        environment: remediation ? this.evaluatorEnv(remediation, c) : {},
        grants,
        shared,
      });
      this.evaluatorFunctions.set(evaluator.id, fn);
    }

    // ---- Config rules, SSM documents, remediation configurations ----------------------------------
    for (const planned of rules) {
      this.configRules.set(planned.name, this.configRule(planned, c));
    }
    for (const remediation of props.registries.remediations) {
      this.manualPath(remediation, props.documentsDir, c);
    }

    // ---- the sweep ---------------------------------------------------------------------------------
    const sweepGrants = new Grants()
      .add(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage'], [deadLetterQueueArn], 'queue')
      .add(['kms:Decrypt', 'kms:GenerateDataKey'], [key.keyArn], 'key')
      .add(
        ['lambda:InvokeFunction'],
        [...this.remediationFunctions.values()].map((f) => arn('lambda', `function:${f.functionName}`)),
        'functions',
      );
    const ruleArns = [...this.configRules.values()].map((r) => r.attrArn);
    if (ruleArns.length) {
      sweepGrants.add(
        ['config:StartConfigRulesEvaluation', 'config:GetComplianceDetailsByConfigRule'],
        ruleArns,
        'rules',
      );
    }
    const targets = props.registries.remediations.map((r) => ({
      remediation: r.id,
      functionName: `airlock-${r.id}`,
      resourceType: r.resourceType,
      rules: rules.filter((p) => p.remediationId === r.id).map((p) => p.name),
    }));
    this.sweep = new AirlockFunction(this, {
      id: 'sweep',
      description:
        'airlock sweep: re-drives the dead-letter queue and what Config still reports NON_COMPLIANT',
      environment: {
        AIRLOCK_SWEEP_QUEUE_URL: deadLetters.queueUrl,
        AIRLOCK_SWEEP_TARGETS: JSON.stringify(targets),
        AIRLOCK_SWEEP_DROP_FUNCTIONS: [...this.evaluatorFunctions.values()]
          .map((f) => f.functionName)
          .join(','),
        AIRLOCK_SWEEP_GRACE_MINUTES: String(c.sweepGraceMinutes),
        AIRLOCK_SWEEP_MAX_INVOCATIONS: '100',
      },
      grants: sweepGrants,
      shared,
      timeout: Duration.minutes(5),
    });
    for (const f of this.configRules.values()) this.sweep.fn.node.addDependency(f);
    new Rule(this, 'SweepSchedule', {
      ruleName: 'airlock-sweep',
      description: 'airlock: periodic sweep',
      schedule: Schedule.rate(Duration.minutes(c.sweepEveryMinutes)),
    }).addTarget(new LambdaTarget(this.sweep.fn, { retryAttempts: 2 }));

    new Alarm(this, 'DeadLettersAlarm', {
      alarmName: 'airlock-dead-letters',
      alarmDescription:
        'airlock: failed events wait in the dead-letter queue (the sweep re-drives them; look at what is kept)',
      metric: deadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(new SnsAction(alarmTopic));

    this.suppressFindings(accessLogs, audit, table, deadLetters);
  }

  /** Keeps a rule's pattern: the central bus gets the same rules as the default bus. */
  private remember(id: string, kind: 'compliance' | 'apiCalls', pattern: EventPattern): EventPattern {
    this.patterns.set(`${id}|${kind}`, pattern);
    return pattern;
  }

  /** The descriptor's actions, each on the narrowest resources its API allows. */
  private addDescriptorGrants(grants: Grants, actions: readonly string[], where: Scope): void {
    for (const action of actions) {
      const { resources, condition } = resourcesFor(action, where);
      const why =
        resources[0] === '*'
          ? `${action} supports no resource-level permission (AWS documents "*" only)`
          : `${action}: the resources are named by Config at run time; scoped to their type in this account and region`;
      grants.add([action], resources, why, condition);
    }
  }

  private remediationEnv(
    remediation: AnyRemediation,
    c: AirlockContext,
    auditBucketName: string,
  ): Record<string, string> {
    const env: AirlockEnv = {
      AIRLOCK_MODE: c.mode,
      AIRLOCK_TABLE: NAMES.table,
      AIRLOCK_AUDIT_BUCKET: auditBucketName,
      AIRLOCK_AUDIT_PREFIX: NAMES.auditPrefix,
      AIRLOCK_SETTINGS_PARAMETER: NAMES.settingsParameter,
      AIRLOCK_EXEMPTIONS_PARAMETER: NAMES.exemptionsParameter,
      AIRLOCK_ALLOWED_ACCOUNTS: c.allowedAccounts.join(','),
      AIRLOCK_ALLOWED_REGIONS: c.allowedRegions.join(','),
      AIRLOCK_REMEDIATIONS: JSON.stringify({ [remediation.id]: remediationOverride(remediation, c) }),
      ...(c.blastRadiusMaxWrites ? { AIRLOCK_BLAST_RADIUS_MAX_WRITES: String(c.blastRadiusMaxWrites) } : {}),
      ...(c.blastRadiusWindowSeconds
        ? { AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS: String(c.blastRadiusWindowSeconds) }
        : {}),
      ...(c.organization
        ? {
            AIRLOCK_MEMBER_ROLE_NAME: c.organization.memberRoleName,
            AIRLOCK_MEMBER_EXTERNAL_ID: c.organization.externalId,
            AIRLOCK_HOME_ACCOUNT: c.account,
            // its own writes in a member account come back as CloudTrail calls of the member role
            AIRLOCK_OWN_PRINCIPALS: c.organization.memberRoleName,
          }
        : {}),
    };
    return env as Record<string, string>;
  }

  private evaluatorEnv(remediation: AnyRemediation, c: AirlockContext): Record<string, string> {
    const env: AirlockEnv = {
      AIRLOCK_SETTINGS_PARAMETER: NAMES.settingsParameter,
      AIRLOCK_ALLOWED_ACCOUNTS: c.allowedAccounts.join(','),
      AIRLOCK_ALLOWED_REGIONS: c.allowedRegions.join(','),
      AIRLOCK_REMEDIATIONS: JSON.stringify({ [remediation.id]: remediationOverride(remediation, c) }),
    };
    return env as Record<string, string>;
  }

  private configRule(planned: PlannedRule, c: AirlockContext): CfnConfigRule {
    const id = `Rule-${planned.name}`;
    if (planned.source.kind === 'managed') {
      const { rule, identifier } = planned.source;
      return new CfnConfigRule(this, id, {
        configRuleName: planned.name,
        description: `airlock: ${identifier} (raises ${planned.remediationId})`,
        source: { owner: 'AWS', sourceIdentifier: identifier },
        ...(rule.resourceTypes && rule.trigger !== 'periodic'
          ? { scope: { complianceResourceTypes: [...rule.resourceTypes] } }
          : {}),
        ...(rule.trigger !== 'change' ? { maximumExecutionFrequency: PERIODIC_FREQUENCY } : {}),
      });
    }
    const evaluator: EvaluatorDescriptor = planned.source.evaluator;
    const fn = this.evaluatorFunctions.get(evaluator.id);
    if (!fn) throw new Error(`no function for evaluator ${evaluator.id}`);
    const permission = new CfnPermission(this, `${id}-Invoke`, {
      action: 'lambda:InvokeFunction',
      functionName: fn.fn.functionArn,
      principal: 'config.amazonaws.com',
      sourceAccount: c.account,
    });
    const frequency = typeof evaluator.periodic === 'string' ? evaluator.periodic : PERIODIC_FREQUENCY;
    const sourceDetails: CfnConfigRule.SourceDetailProperty[] = [];
    if (evaluator.configurationChange) {
      sourceDetails.push(
        { eventSource: 'aws.config', messageType: 'ConfigurationItemChangeNotification' },
        { eventSource: 'aws.config', messageType: 'OversizedConfigurationItemChangeNotification' },
      );
    }
    if (evaluator.periodic) {
      sourceDetails.push({
        eventSource: 'aws.config',
        messageType: 'ScheduledNotification',
        maximumExecutionFrequency: frequency,
      });
    }
    const rule = new CfnConfigRule(this, id, {
      configRuleName: planned.name,
      description: `airlock: custom rule evaluated by airlock-${evaluator.id} (raises ${planned.remediationId})`,
      source: { owner: 'CUSTOM_LAMBDA', sourceIdentifier: fn.fn.functionArn, sourceDetails },
      ...(evaluator.configurationChange
        ? { scope: { complianceResourceTypes: [evaluator.resourceType] } }
        : {}),
    });
    rule.node.addDependency(permission);
    return rule;
  }

  /** The SSM document of a remediation, its automation role, and the Config remediation of its rules. */
  private manualPath(remediation: AnyRemediation, documentsDir: string, c: AirlockContext): void {
    const fileName = join(documentsDir, `${remediation.id}.yaml`);
    // CloudFormation takes the content as an object: the committed YAML, parsed (its header comment
    // is for readers of the file; the document's description says what it does)
    let content: unknown;
    try {
      content = parse(readFileSync(fileName, 'utf8'));
    } catch (cause) {
      throw new Error(`${fileName} is missing or invalid: run npm run ssm-documents`, { cause });
    }
    const name = documentNameOf(remediation.id);
    const document = new CfnDocument(this, `${remediation.id}-Document`, {
      name,
      documentType: 'Automation',
      documentFormat: 'JSON',
      content,
      updateMethod: 'NewVersion',
    });
    const fn = this.remediationFunctions.get(remediation.id);
    if (!fn) throw new Error(`no function for ${remediation.id}`);
    const role = new Role(this, `${remediation.id}-AutomationRole`, {
      roleName: `${name}-automation`,
      assumedBy: new ServicePrincipal('ssm.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': c.account } },
      }),
      description: `SSM Automation ${name}: may invoke ${fn.functionName}, nothing else`,
    });
    new ManagedPolicy(this, `${remediation.id}-AutomationPolicy`, {
      managedPolicyName: `${name}-automation`,
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:InvokeFunction'],
          resources: [`arn:${c.partition}:lambda:${c.region}:${c.account}:function:${fn.functionName}`],
        }),
      ],
      roles: [role],
    });
    for (const planned of this.plannedRules.filter((p) => p.remediationId === remediation.id)) {
      const rule = this.configRules.get(planned.name);
      if (!rule) continue;
      const config = new CfnRemediationConfiguration(this, `${remediation.id}-Remediation-${planned.name}`, {
        configRuleName: planned.name,
        targetType: 'SSM_DOCUMENT',
        targetId: name,
        targetVersion: '$DEFAULT',
        automatic: c.automaticRemediation,
        ...(c.automaticRemediation ? { maximumAutomaticAttempts: 3, retryAttemptSeconds: 300 } : {}),
        parameters: {
          ResourceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
          AccountId: { StaticValue: { Values: [c.account] } },
          Region: { StaticValue: { Values: [c.region] } },
          ConfigRuleName: { StaticValue: { Values: [planned.name] } },
          AutomationAssumeRole: { StaticValue: { Values: [role.roleArn] } },
        },
      });
      config.node.addDependency(rule);
      config.node.addDependency(document);
    }
  }

  /** Athena over the audit trail: a Glue table with partition projection over the date/account/region layout. */
  private auditTable(bucketName: string, c: AirlockContext): void {
    const database = new CfnDatabase(this, 'AuditDatabase', {
      catalogId: c.account,
      databaseInput: { name: NAMES.glueDatabase, description: 'airlock audit trail' },
    });
    const location = `s3://${bucketName}/${NAMES.auditPrefix}`;
    const regions = c.allowedRegions.includes('*') ? undefined : c.allowedRegions;
    const struct = (fields: Record<string, string>) =>
      `struct<${Object.entries(fields)
        .map(([k, v]) => `${k}:${v}`)
        .join(',')}>`;
    const step =
      'struct<action:string,api:string,input:string,reason:string,before:string,result:string,output:string,error:struct<name:string,message:string,httpstatus:int>,startedat:string,durationms:bigint>';
    const tableResource = new CfnTable(this, 'AuditRecords', {
      catalogId: c.account,
      databaseName: NAMES.glueDatabase,
      tableInput: {
        name: NAMES.glueTable,
        description: 'airlock.audit/v1 records: one JSON object per handled event',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': '2026-01-01,NOW',
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.account.type': c.allowedAccounts.includes('*') ? 'injected' : 'enum',
          ...(c.allowedAccounts.includes('*')
            ? {}
            : { 'projection.account.values': c.allowedAccounts.join(',') }),
          'projection.region.type': regions ? 'enum' : 'injected',
          ...(regions ? { 'projection.region.values': regions.join(',') } : {}),
          'storage.location.template': `${location}dt=\${dt}/account=\${account}/region=\${region}/`,
        },
        partitionKeys: [
          { name: 'dt', type: 'string' },
          { name: 'account', type: 'string' },
          { name: 'region', type: 'string' },
        ],
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: { 'ignore.malformed.json': 'false', 'case.insensitive': 'true' },
          },
          columns: [
            { name: 'schema', type: 'string' },
            { name: 'id', type: 'string' },
            { name: 'time', type: 'string' },
            { name: 'startedat', type: 'string' },
            { name: 'durationms', type: 'bigint' },
            { name: 'actor', type: struct({ type: 'string', name: 'string', version: 'string' }) },
            { name: 'trigger', type: 'string' },
            {
              name: 'event',
              type: struct({
                id: 'string',
                source: 'string',
                detailtype: 'string',
                time: 'string',
                evaluationtime: 'string',
                compliancetype: 'string',
                annotation: 'string',
              }),
            },
            { name: 'rule', type: 'string' },
            { name: 'remediation', type: 'string' },
            { name: 'resource', type: struct({ type: 'string', id: 'string' }) },
            { name: 'mode', type: 'string' },
            { name: 'outcome', type: 'string' },
            { name: 'reason', type: 'string' },
            { name: 'before', type: 'string' },
            { name: 'steps', type: `array<${step}>` },
            { name: 'verification', type: struct({ status: 'string', detail: 'string' }) },
            {
              name: 'exemption',
              type: struct({ id: 'string', reason: 'string', approvedby: 'string', expires: 'string' }),
            },
            { name: 'notes', type: 'array<string>' },
            { name: 'error', type: struct({ name: 'string', message: 'string', retryable: 'boolean' }) },
            { name: 'links', type: struct({ rollbackof: 'string' }) },
            { name: 'assumedrole', type: 'string' },
            { name: 'digest', type: struct({ algorithm: 'string', value: 'string' }) },
          ],
        },
      },
    });
    tableResource.node.addDependency(database);
  }

  /** Findings that do not apply to this design, each with its reason. */
  private suppressFindings(accessLogs: Bucket, audit: Bucket, table: Table, deadLetters: Queue): void {
    acknowledge(accessLogs, [
      {
        id: 'AwsSolutions-S1',
        reason: 'This is the server access log bucket; logging it to itself would loop.',
      },
      {
        id: 'NIST.800.53.R5-S3BucketLoggingEnabled',
        reason: 'This is the server access log bucket; logging it to itself would loop.',
      },
      {
        id: 'PCI.DSS.321-S3BucketLoggingEnabled',
        reason: 'This is the server access log bucket; logging it to itself would loop.',
      },
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason: 'S3 server access logging delivers only to buckets encrypted with S3-managed keys (SSE-S3).',
      },
      {
        id: 'PCI.DSS.321-S3DefaultEncryptionKMS',
        reason: 'S3 server access logging delivers only to buckets encrypted with S3-managed keys (SSE-S3).',
      },
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          "Access logs stay in the account and region they describe; copies are the platform log archive's job.",
      },
      {
        id: 'PCI.DSS.321-S3BucketReplicationEnabled',
        reason:
          "Access logs stay in the account and region they describe; copies are the platform log archive's job.",
      },
    ]);
    acknowledge(audit, [
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          'Records are under Object Lock in compliance mode (WORM) with versioning; a cross-region copy needs a second locked bucket the platform owns, set up outside this stack.',
      },
      {
        id: 'PCI.DSS.321-S3BucketReplicationEnabled',
        reason:
          'Records are under Object Lock in compliance mode (WORM) with versioning; a cross-region copy needs a second locked bucket the platform owns, set up outside this stack.',
      },
    ]);
    acknowledge(table, [
      {
        id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
        reason:
          'The table holds only idempotency records and breaker counters that expire within days; point-in-time recovery (35 days) covers it, and the audit trail is the record of what happened.',
      },
    ]);
    acknowledge(deadLetters, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is the dead-letter queue (the on-failure destination of every airlock function).',
      },
    ]);
  }
}

/**
 * A remediation's settings in `AIRLOCK_REMEDIATIONS`: the context's override for it, plus the
 * platform settings (pod CIDRs, public route tables) that its settings schema accepts. Checked
 * against the schema at synth time, so a bad setting fails the deploy, not the first event.
 */
export function remediationOverride(remediation: AnyRemediation, c: AirlockContext): Record<string, unknown> {
  const override = { ...(c.remediations[remediation.id] ?? {}) };
  const settings: Record<string, unknown> = {
    ...((override.settings as Record<string, unknown> | undefined) ?? {}),
  };
  const platform: Record<string, unknown> = {
    podCidrs: c.podCidrs,
    publicRouteTableIds: c.publicRouteTableIds,
  };
  for (const [key, value] of Object.entries(platform)) {
    if (key in settings) continue;
    if (accepts(remediation, { [key]: value })) settings[key] = value;
  }
  try {
    remediation.settingsSchema.parse(settings);
  } catch (cause) {
    throw new Error(`context remediations.${remediation.id}.settings is invalid`, { cause });
  }
  return Object.keys(settings).length ? { ...override, settings } : override;
}

function accepts(remediation: AnyRemediation, settings: Record<string, unknown>): boolean {
  try {
    remediation.settingsSchema.parse(settings);
    return true;
  } catch {
    return false;
  }
}

import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ALARM_PERIOD, alarmOn } from './alarms.js';
import type { Grants } from './grants.js';
import { acknowledge, nagResource } from './nag.js';
import { iamNameIn } from './names.js';
import { RUNTIME_ACTIONS } from './permissions.js';

/**
 * Timeout of a remediation or evaluator: a handled event is a handful of calls (describe, at most a
 * few writes, describe again, one DynamoDB update, one S3 put), each retried by the SDK's adaptive
 * strategy (5 attempts) through VPC endpoints. Two minutes covers the worst retried path with room
 * to spare, and a stuck call fails fast enough for Lambda's own retries (2) to fit well inside the
 * maximum event age.
 */
export const FUNCTION_TIMEOUT = Duration.seconds(120);
/**
 * Memory: the bundles are one file of about 1 to 2 MB; 512 MB on arm64 gives them enough CPU for a
 * sub-second cold start (CPU scales with memory) at a cost that is negligible at Config's event rate.
 */
export const FUNCTION_MEMORY_MB = 512;
/** Async invocations: Lambda's own retries, then the on-failure destination. */
export const ASYNC_RETRIES = 2;
/** An event older than this is not retried any more but sent to the dead-letter queue (the sweep re-drives it). */
export const MAX_EVENT_AGE = Duration.hours(6);

export interface Shared {
  readonly vpc: IVpc;
  readonly securityGroup: ISecurityGroup;
  readonly subnetIds: readonly string[];
  readonly key: IKey;
  /** The on-failure destination of every function. */
  readonly deadLetterQueueArn: string;
  readonly alarmTopic: ITopic;
  readonly logRetention: RetentionDays;
  readonly distDir: string;
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** The regions with a central stack, the primary first (IAM names outside the primary add the region). */
  readonly regions?: readonly string[];
  /**
   * Reserved concurrency per function (`reservedConcurrency`), or none. Reserving caps the write rate
   * of a remediation and guarantees it capacity, but Lambda refuses any reservation that leaves the
   * account fewer than 100 unreserved executions: with a new account's quota (as low as 10) a deploy
   * that reserves anything fails. So none by default; the blast-radius breaker caps the writes.
   */
  readonly reservedConcurrency?: number;
}

export interface AirlockFunctionProps {
  /** The bundle (`dist/<id>/`), the function name `airlock-<id>`, the construct id. */
  readonly id: string;
  readonly description: string;
  readonly environment: Record<string, string>;
  /** What the function's own work needs, besides the runtime (logs, network interfaces). */
  readonly grants: Grants;
  readonly shared: Shared;
  readonly timeout?: Duration;
}

/**
 * One airlock function: its bundle, nodejs22.x on arm64 in the private subnets behind the airlock
 * security group, its own encrypted log group, a role holding exactly what it needs, reserved
 * concurrency when asked for, async retries then the dead-letter queue, and alarms on errors and
 * throttles.
 */
export class AirlockFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: Role;
  readonly policy: ManagedPolicy;
  readonly logGroup: LogGroup;
  readonly functionName: string;
  /** Its role's (and managed policy's) name: the function's, plus the region outside the primary. */
  readonly roleName: string;
  readonly grants: Grants;

  constructor(scope: Construct, props: AirlockFunctionProps) {
    super(scope, props.id);
    const s = props.shared;
    this.functionName = `airlock-${props.id}`;
    this.roleName = iamNameIn(this.functionName, s.region, s.regions ?? [s.region]);
    this.grants = props.grants;
    const bundle = `${s.distDir}/${props.id}`;
    if (!existsSync(`${bundle}/index.mjs`)) {
      throw new Error(`no bundle at ${bundle}/index.mjs: run npm run build first`);
    }
    const logGroupName = `/aws/lambda/${this.functionName}`;
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      retention: s.logRetention,
      encryptionKey: s.key,
      // kept when the stack is deleted; removed when a failed first deploy rolls back (fixed name)
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });

    addRuntimeGrants(props.grants, s, logGroupName);

    this.role = new Role(this, 'Role', {
      roleName: this.roleName,
      assumedBy: new ServicePrincipal('lambda.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': s.account } },
      }),
      description: `Role of ${this.functionName}: exactly the actions it declares`,
    });
    this.policy = new ManagedPolicy(this, 'Policy', {
      managedPolicyName: this.roleName,
      description: `What ${this.functionName} may do, derived from its descriptor`,
      statements: props.grants.statements(),
      roles: [this.role],
    });

    this.fn = new LambdaFunction(this, 'Function', {
      functionName: this.functionName,
      description: props.description,
      code: Code.fromAsset(bundle),
      handler: 'index.handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: FUNCTION_MEMORY_MB,
      timeout: props.timeout ?? FUNCTION_TIMEOUT,
      ...(s.reservedConcurrency ? { reservedConcurrentExecutions: s.reservedConcurrency } : {}),
      role: this.role,
      vpc: s.vpc,
      vpcSubnets: { subnets: s.vpc.privateSubnets },
      securityGroups: [s.securityGroup],
      logGroup: this.logGroup,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.id,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
    });
    // Lambda checks the role may create network interfaces when the function is created
    this.fn.node.addDependency(this.policy);
    this.fn.configureAsyncInvoke({
      retryAttempts: ASYNC_RETRIES,
      maxEventAge: MAX_EVENT_AGE,
      // the role's policy already allows sqs:SendMessage on the queue: no grant added here
      onFailure: { bind: () => ({ destination: s.deadLetterQueueArn }) },
    });

    const metric = { period: ALARM_PERIOD };
    alarmOn(this, 'Errors', {
      name: `${this.functionName}-errors`,
      description: `${this.functionName}: invocations failed (retried, then dead-lettered)`,
      metric: this.fn.metricErrors(metric),
      topic: s.alarmTopic,
    });
    alarmOn(this, 'Throttles', {
      name: `${this.functionName}-throttles`,
      description: `${this.functionName}: invocations throttled (the account's or the reserved concurrency reached)`,
      metric: this.fn.metricThrottles(metric),
      topic: s.alarmTopic,
    });

    this.suppressWildcards();
    if (!s.reservedConcurrency) {
      acknowledge(this.fn, [
        {
          id: 'NIST.800.53.R5-LambdaConcurrency',
          reason:
            'No reserved concurrency unless the reservedConcurrency context key asks for it: Lambda refuses a reservation that leaves the account fewer than 100 unreserved executions, so a new account (quota as low as 10) could not deploy; the blast-radius breaker caps the writes.',
        },
      ]);
    }
    acknowledge(this.fn, [
      {
        id: 'AwsSolutions-L1',
        reason:
          'nodejs22.x is pinned on purpose: the bundles are built for node22 (esbuild target) and tested on it.',
      },
      {
        id: 'NIST.800.53.R5-LambdaDLQ',
        reason:
          'Failed async events go to an on-failure destination (the KMS-encrypted airlock dead-letter queue, after 2 retries), which keeps the request and the error; the legacy DeadLetterConfig would keep less.',
      },
    ]);
  }

  /**
   * A grant added by a layer built after the function (publishing): to the role's policy, and to
   * `grants`, which the endpoint policies are cut from. Never a wildcard resource (nothing suppresses it).
   */
  addGrant(actions: readonly string[], resources: readonly string[], why: string): void {
    if (resources.some((r) => r.includes('*'))) throw new Error(`late grant on a wildcard resource: ${why}`);
    this.grants.add(actions, resources, why);
    this.policy.addStatements(new PolicyStatement({ actions: [...actions], resources: [...resources] }));
  }

  /** Each wildcard resource of the role's policy, with the reason it cannot be narrower. */
  private suppressWildcards(): void {
    acknowledge(
      this.policy,
      [...this.grants.wildcards].map(([resource, reason]) => ({
        id: `AwsSolutions-IAM5[Resource::${nagResource(this, resource)}]`,
        reason,
      })),
    );
  }
}

/** What every function in the VPC needs to run at all: its own log streams and its network interfaces. */
function addRuntimeGrants(grants: Grants, s: Shared, logGroupName: string): void {
  const arn = (service: string, resource: string) =>
    `arn:${s.partition}:${service}:${s.region}:${s.account}:${resource}`;
  const eni =
    'Lambda creates the VPC network interfaces with the function role; their ids do not exist before';
  grants
    .add(
      RUNTIME_ACTIONS.logs,
      [arn('logs', `log-group:${logGroupName}:log-stream:*`)],
      'the function writes its own log streams, named by Lambda at run time',
    )
    .add(
      ['ec2:CreateNetworkInterface'],
      [
        arn('ec2', 'network-interface/*'),
        ...s.subnetIds.map((id) => arn('ec2', `subnet/${id}`)),
        arn('ec2', `security-group/${s.securityGroup.securityGroupId}`),
      ],
      eni,
    )
    .add(
      ['ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
      [arn('ec2', 'network-interface/*')],
      eni,
    )
    .add(
      ['ec2:DescribeNetworkInterfaces'],
      ['*'],
      'ec2:DescribeNetworkInterfaces supports no resource-level permission',
    );
}

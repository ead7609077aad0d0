import { Annotations, type StackProps } from 'aws-cdk-lib';
import type { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import type { CfnConfigRule } from 'aws-cdk-lib/aws-config';
import type { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ConfigRules } from './airlock-config-rules.js';
import type { AirlockFunction, Shared } from './airlock-function.js';
import { Alarms } from './alarms.js';
import { type PlannedRule, planConfigRules } from './config-rules.js';
import type { AirlockContext } from './context.js';
import { type EndpointUser, functionUser, memberRoleUser } from './endpoint-policies.js';
import { Evaluators } from './evaluators.js';
import { ownRoleArns } from './event-rules.js';
import { LayeredStack } from './layer.js';
import { type MemberStackProps, memberActions } from './member-stack.js';
import { Network } from './network.js';
import { Organization } from './organization.js';
import { Publishing } from './publishing.js';
import type { Registries } from './registries.js';
import { RemediationResources } from './remediation.js';
import { AuditStorage } from './storage.js';
import type { PrimaryStorage } from './storage-replication.js';
import { Sweep } from './sweep.js';

export interface AirlockStackProps extends StackProps {
  readonly context: AirlockContext;
  readonly registries: Registries;
  /** Where the function bundles are (`dist/`). */
  readonly distDir: string;
  /** Where the SSM Automation documents are (`ssm-documents/`). */
  readonly documentsDir: string;
  /**
   * In a region other than the primary: the primary region's stack (its audit bucket receives this
   * region's records, its signing key is replicated here, its StackSet covers every member region).
   */
  readonly primary?: AirlockStack;
}

/**
 * airlock's deployment, generated from the registries and composed of layers (none of which shows in
 * a logical id): storage and audit, alarms, network, the dead-letter queue and sweep, the evaluators
 * and Config rules, one layer per remediation, and with an organization the central bus and the
 * member StackSet.
 */
export class AirlockStack extends LayeredStack {
  readonly storage: AuditStorage;
  readonly network: Network;
  readonly alarms: Alarms;
  readonly recovery: Sweep;
  readonly remediations = new Map<string, RemediationResources>();
  readonly remediationFunctions = new Map<string, AirlockFunction>();
  readonly evaluatorFunctions: ReadonlyMap<string, AirlockFunction>;
  readonly eventRules = new Map<string, Rule>();
  /** The fast path's rules ("AWS API Call via CloudTrail"), for remediations that declare the calls. */
  readonly apiCallRules = new Map<string, Rule>();
  readonly configRules: ReadonlyMap<string, CfnConfigRule>;
  readonly plannedRules: readonly PlannedRule[];
  /** Many accounts: the central bus, its rules (per remediation) and the member StackSet. */
  readonly organization?: Organization;
  readonly sweep: AirlockFunction;
  /** The audit bus the records are published on, and the Security Hub findings (infra/publishing.ts). */
  readonly publishing: Publishing;

  constructor(scope: Construct, id: string, props: AirlockStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.context.account, region: props.context.region },
      // the other regions' stacks read the primary's bucket and keys (SSM parameters CDK writes)
      ...(props.context.regions.length > 1 ? { crossRegionReferences: true } : {}),
      description:
        'airlock: event-driven remediation of AWS Config findings on an internet-isolated platform',
    });
    // server access logs are delivered under a bucket policy, not the legacy log-delivery ACL
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const c = props.context;
    const { remediations, evaluators } = props.registries;

    // the roles that write audit records: the remediation functions' (roles are named after them)
    this.storage = new AuditStorage(this, 'Storage', {
      context: c,
      signerRoleArns: ownRoleArns(
        remediations.map((r) => r.id),
        c,
      ),
      ...(props.primary ? { primary: primaryStorage(props.primary) } : {}),
    });
    this.alarms = new Alarms(this, 'Alarms', { key: this.storage.key });
    this.network = new Network(this, 'Network', { context: c });
    this.recovery = new Sweep(this, 'Sweep', {
      key: this.storage.key,
      topic: this.alarms.topic,
    });
    const shared: Shared = {
      vpc: this.network.vpc,
      securityGroup: this.network.securityGroup,
      subnetIds: c.privateSubnetIds,
      key: this.storage.key,
      deadLetterQueueArn: this.recovery.queueArn,
      alarmTopic: this.alarms.topic,
      logRetention: c.logRetentionDays as RetentionDays,
      distDir: props.distDir,
      partition: c.partition,
      account: c.account,
      region: c.region,
      regions: c.regions,
      ...(c.reservedConcurrency ? { reservedConcurrency: c.reservedConcurrency } : {}),
    };

    const { rules, unmatched } = planConfigRules(remediations, evaluators);
    this.plannedRules = rules;
    if (unmatched.length) {
      Annotations.of(this).addWarningV2(
        'airlock:unmatched-rules',
        `no Config rule deployed for ${unmatched.join('; ')}: their events must come from rules the platform runs`,
      );
    }
    const evaluatorLayer = new Evaluators(this, 'Evaluators', {
      evaluators,
      remediations,
      context: c,
      shared,
      storage: this.storage,
    });
    this.evaluatorFunctions = evaluatorLayer.functions;
    this.configRules = new ConfigRules(this, 'Rules', {
      planned: rules,
      context: c,
      evaluators: this.evaluatorFunctions,
    }).rules;

    const own = ownRoleArns([...remediations.map((r) => r.id), ...evaluators.map((e) => e.id), 'sweep'], c);
    for (const remediation of remediations) {
      const resources = new RemediationResources(this, {
        ownRoleArns: own,
        remediation,
        context: c,
        shared,
        storage: this.storage,
        plannedRules: rules,
        configRules: this.configRules,
        documentsDir: props.documentsDir,
      });
      this.remediations.set(remediation.id, resources);
      this.remediationFunctions.set(remediation.id, resources.fn);
      this.eventRules.set(remediation.id, resources.eventRule);
      if (resources.apiCallRule) this.apiCallRules.set(remediation.id, resources.apiCallRule);
    }

    this.publishing = new Publishing(this, 'Publishing', {
      context: c,
      shared,
      publishers: [...this.remediationFunctions.values()],
    });

    if (c.organization) {
      this.organization = new Organization(this, 'Organization', {
        context: { ...c, organization: c.organization },
        remediations: [...this.remediations.values()],
        evaluators: evaluators.map((e) => ({ descriptor: e, fn: this.evaluatorFunctions.get(e.id)! })),
        // one StackSet, from the primary region, deploys the member stack to every member region
        withStackSet: !props.primary,
      });
    }

    this.sweep = this.recovery.addSweepFunction({
      context: c,
      shared,
      remediations: remediations.map((r) => ({
        id: r.id,
        resourceType: r.resourceType,
        fn: this.remediationFunctions.get(r.id)!,
        descriptor: r,
      })),
      evaluators: [...this.evaluatorFunctions.values()],
      plannedRules: rules,
      configRules: [...this.configRules.values()],
    });
    this.network.addEndpoints(this.endpointUsers(c), c);
  }

  /** Who calls AWS through the VPC endpoints: every function's role, and the member roles. */
  private endpointUsers(c: AirlockContext): EndpointUser[] {
    const functions = [
      ...this.remediationFunctions.values(),
      ...this.evaluatorFunctions.values(),
      this.sweep,
      ...(this.publishing.findings ? [this.publishing.findings] : []),
    ];
    const users = functions.map((fn) => functionUser(fn.roleName, fn.grants.statements(), c));
    const member = this.memberProps
      ? memberRoleUser(memberActions(this.memberProps.remediations, this.memberProps.evaluatorActions), c)
      : undefined;
    return member ? [...users, member] : users;
  }

  /** Many accounts: the central bus. */
  get bus(): EventBus | undefined {
    return this.organization?.bus;
  }

  get busRules(): ReadonlyMap<string, Rule> {
    return this.organization?.busRules ?? new Map();
  }

  get busApiCallRules(): ReadonlyMap<string, Rule> {
    return this.organization?.busApiCallRules ?? new Map();
  }

  get memberStackSet(): CfnStackSet | undefined {
    return this.organization?.memberStackSet;
  }

  /** What the StackSet deploys in each member account and region (its template, also in other regions' stacks). */
  get memberProps(): MemberStackProps | undefined {
    return this.organization?.memberProps;
  }
}

/** What a region other than the primary reads of the primary's storage. */
function primaryStorage(primary: AirlockStack): PrimaryStorage {
  return {
    auditBucketArn: primary.storage.audit.bucketArn,
    keyArn: primary.storage.key.keyArn,
    signingKeyArn: primary.storage.signingKey.keyArn,
  };
}

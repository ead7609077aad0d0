import {
  App,
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  type CfnResource,
  Fn,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import { type EventPattern, type IRuleTarget, Rule } from 'aws-cdk-lib/aws-events';
import {
  ArnPrincipal,
  CompositePrincipal,
  ManagedPolicy,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { COMPLIANCE_CHANGE, ComplianceType, EVENT_SOURCES } from '../shared/event.js';
import type { AnyRemediation } from '../shared/remediation.js';
import { apiCallNames, apiCallPattern } from './event-rules.js';
import { Grants } from './grants.js';
import { acknowledge } from './nag.js';
import { iamNameIn } from './names.js';
import { PIPELINE_ACTIONS, resourcesFor } from './permissions.js';

export interface MemberStackProps extends StackProps {
  readonly remediations: readonly AnyRemediation[];
  readonly organizationId: string;
  readonly externalId: string;
  readonly roleName: string;
  /** The security account: where the central functions and the bus are. */
  readonly centralAccount: string;
  /** The primary region: its bus receives the events of member regions without a central stack. */
  readonly centralRegion: string;
  /** The regions with a central stack (and bus), the primary first; by default the primary alone. */
  readonly centralRegions?: readonly string[];
  readonly centralPartition: string;
  readonly busName: string;
  /** Names of the central functions' roles (`airlock-<id>`): the only principals the member role trusts. */
  readonly centralRoleNames: readonly string[];
  /** What the central evaluators do in a member account (reads, reporting to Config): the member role may too. */
  readonly evaluatorActions?: readonly string[];
  /** Regions the member stack is deployed to: the member role acts in each of them. */
  readonly memberRegions: readonly string[];
  /** The region whose stack instance creates the (global) member role. */
  readonly roleRegion: string;
}

/**
 * What the member role may do, nothing else: the union of the remediations' read + write actions, the
 * read of a Config rule's source (`PIPELINE_ACTIONS.ruleSource`: a rule named by an AWS convention is
 * confirmed in the account that raised it), and what the evaluators do there (organization rules).
 */
export function memberActions(
  remediations: readonly AnyRemediation[],
  evaluatorActions: readonly string[] = [],
): string[] {
  const actions = remediations.flatMap((r) => [...r.permissions.read, ...r.permissions.write]);
  return [...new Set([...actions, ...PIPELINE_ACTIONS.ruleSource, ...evaluatorActions])].sort();
}

/** What the member stack forwards: the compliance changes, and each remediation's CloudTrail calls. */
export interface ForwardedPatterns {
  readonly compliance: EventPattern;
  readonly apiCalls: readonly { readonly remediation: AnyRemediation; readonly pattern: EventPattern }[];
}

/**
 * What the member stack forwards to the central bus: NON_COMPLIANT
 * evaluations of the remediated resource types, and each remediation's CloudTrail calls that did not
 * fail and were not made by `ownRoleArns`. The central bus admits the sources and detail-types of
 * these patterns only.
 *
 * @example
 * ```ts
 * forwardedPatterns(REMEDIATIONS, [memberRoleArn]).compliance.source; // ['aws.config']
 * ```
 */
export function forwardedPatterns(
  remediations: readonly AnyRemediation[],
  ownRoleArns: readonly string[],
): ForwardedPatterns {
  const compliance: EventPattern = {
    source: [EVENT_SOURCES.config],
    detailType: [COMPLIANCE_CHANGE],
    detail: {
      newEvaluationResult: { complianceType: [ComplianceType.NON_COMPLIANT] },
      resourceType: [...new Set(remediations.map((r) => r.resourceType))].sort(),
    },
  };
  const apiCalls = remediations.flatMap((remediation) => {
    const pattern = apiCallPattern(remediation, ownRoleArns);
    return pattern ? [{ remediation, pattern }] : [];
  });
  return { compliance, apiCalls };
}

/** The central bus's ARN (in `region`, by default the primary region). */
export function centralBusArn(
  p: Pick<MemberStackProps, 'centralPartition' | 'centralRegion' | 'centralAccount' | 'busName'>,
  region = p.centralRegion,
): string {
  return `arn:${p.centralPartition}:events:${region}:${p.centralAccount}:event-bus/${p.busName}`;
}

/**
 * The bus a stack instance forwards to: the central bus of its own region where that region has a
 * central stack, the primary region's otherwise (whose functions refuse those events with a record).
 * One template for every region: a condition on `AWS::Region` chooses.
 */
function forwardingBusArn(scope: Stack, p: MemberStackProps): string {
  const others = (p.centralRegions ?? [p.centralRegion]).filter((r) => r !== p.centralRegion);
  if (others.length === 0) return centralBusArn(p);
  const sameRegion = others.map((r) => Fn.conditionEquals(Aws.REGION, r));
  const hasCentralBus = new CfnCondition(scope, 'RegionHasCentralBus', {
    expression: sameRegion.length === 1 ? sameRegion[0]! : Fn.conditionOr(...sameRegion),
  });
  return Fn.conditionIf(hasCentralBus.logicalId, centralBusArn(p, Aws.REGION), centralBusArn(p)).toString();
}

/**
 * What airlock needs in each member account and region, rolled out by the central stack's StackSet:
 * the role the central functions assume (only in the role region: IAM is global), and the rules that
 * forward the account's Config compliance changes and the CloudTrail calls the remediations act on
 * to the central bus. Account- and region-agnostic: one template for every stack instance.
 */
export class MemberStack extends Stack {
  readonly role: Role;
  readonly policy: ManagedPolicy;
  readonly complianceRule: Rule;
  readonly apiCallRules = new Map<string, Rule>();
  readonly forwarderRole: Role;

  constructor(scope: Construct, id: string, props: MemberStackProps) {
    super(scope, id, {
      ...props,
      // deployed by StackSets into accounts that are not CDK-bootstrapped: no bootstrap version check
      synthesizer: props.synthesizer ?? new BootstraplessSynthesizer(),
      description: 'airlock member: the role the central airlock functions assume, and event forwarding',
    });
    const isRoleRegion = new CfnCondition(this, 'IsRoleRegion', {
      expression: Fn.conditionEquals(Aws.REGION, props.roleRegion),
    });

    // ---- the member role ------------------------------------------------------------------------
    const principals = props.centralRoleNames.map(
      (name) => new ArnPrincipal(`arn:${props.centralPartition}:iam::${props.centralAccount}:role/${name}`),
    );
    this.role = new Role(this, 'MemberRole', {
      roleName: props.roleName,
      description: 'airlock: assumed by the central airlock functions of the security account',
      assumedBy: new CompositePrincipal(...principals).withConditions({
        StringEquals: { 'aws:PrincipalOrgID': props.organizationId, 'sts:ExternalId': props.externalId },
      }),
    });
    const grants = new Grants();
    for (const action of memberActions(props.remediations, props.evaluatorActions)) {
      // the narrowest scope of each action, in this account, in every member region
      const scoped = props.memberRegions.map((region) =>
        resourcesFor(action, { partition: Aws.PARTITION, account: Aws.ACCOUNT_ID, region }),
      );
      const resources = [...new Set(scoped.flatMap((s) => s.resources))];
      const why =
        resources[0] === '*'
          ? `${action} supports no resource-level permission (AWS documents "*" only)`
          : `${action}: the resources are named by Config at run time; scoped to their type in this account and the member regions`;
      grants.add([action], resources, why, scoped[0]?.condition);
    }
    this.policy = new ManagedPolicy(this, 'MemberPolicy', {
      managedPolicyName: props.roleName,
      description: "airlock member role: the union of the remediations' read + write actions",
      statements: grants.statements(),
      roles: [this.role],
    });
    // one role per account: only the role region's stack instance creates it
    for (const resource of [this.role, this.policy]) {
      (resource.node.defaultChild as CfnResource).cfnOptions.condition = isRoleRegion;
    }
    // the findings name the resources as cdk-nag prints them (pseudo parameters as <AWS::…>)
    const printed = (resource: string) =>
      resource.split(Aws.PARTITION).join('<AWS::Partition>').split(Aws.ACCOUNT_ID).join('<AWS::AccountId>');
    acknowledge(
      this.policy,
      [...grants.wildcards].map(([resource, reason]) => ({
        id: `AwsSolutions-IAM5[Resource::${printed(resource)}]`,
        reason,
      })),
    );

    // ---- forwarding to the central bus -----------------------------------------------------------
    const busArn = forwardingBusArn(this, props);
    this.forwarderRole = new Role(this, 'ForwarderRole', {
      description: 'airlock: EventBridge forwards events of this account and region to the central bus',
      assumedBy: new ServicePrincipal('events.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    new ManagedPolicy(this, 'ForwarderPolicy', {
      description: 'airlock forwarder: put events on the central airlock bus, nothing else',
      statements: [new PolicyStatement({ actions: ['events:PutEvents'], resources: [busArn] })],
      roles: [this.forwarderRole],
    });
    const target = (): IRuleTarget => ({ bind: () => ({ arn: busArn, role: this.forwarderRole }) });
    // failed calls, and the member role's own calls (airlock's writes here), are not forwarded
    const memberRoleArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${props.roleName}`;
    const { compliance, apiCalls } = forwardedPatterns(props.remediations, [memberRoleArn]);
    this.complianceRule = new Rule(this, 'ForwardCompliance', {
      ruleName: 'airlock-forward-compliance',
      description:
        'airlock: NON_COMPLIANT Config evaluations of the remediated resource types -> central bus',
      eventPattern: compliance,
      targets: [target()],
    });
    for (const { remediation, pattern } of apiCalls) {
      const rule = new Rule(this, `Forward-${remediation.id}-ApiCalls`, {
        ruleName: `airlock-forward-${remediation.id}-api-calls`.slice(0, 64),
        description: `airlock: ${apiCallNames(remediation)} (CloudTrail) -> central bus`.slice(0, 512),
        eventPattern: pattern,
        targets: [target()],
      });
      this.apiCallRules.set(remediation.id, rule);
    }
  }
}

/**
 * The member stack's template, synthesized on its own (offline, no assets): the StackSet's template body.
 *
 * @example
 * ```ts
 * const body = memberTemplateBody(props); // JSON string, under the 51,200-byte TemplateBody limit
 * ```
 */
export function memberTemplateBody(props: MemberStackProps): string {
  const app = new App({ context: { 'aws:cdk:disable-stack-trace': true } });
  new MemberStack(app, 'AirlockMember', props);
  const template = app.synth().getStackByName('AirlockMember').template as unknown;
  const body = JSON.stringify(template);
  if (Buffer.byteLength(body) > 51_200) {
    throw new Error(
      `the member template is ${Buffer.byteLength(body)} bytes: over the 51,200-byte TemplateBody limit`,
    );
  }
  return body;
}

/**
 * The central functions' role names (remediations, evaluators) in each region with a central stack:
 * the principals the member role trusts.
 */
export function centralRoleNames(
  functionIds: readonly string[],
  regions: readonly string[] = [''],
): string[] {
  return regions.flatMap((region) => functionIds.map((id) => iamNameIn(`airlock-${id}`, region, regions)));
}

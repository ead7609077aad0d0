import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { CfnOrganizationConfigRule } from 'aws-cdk-lib/aws-config';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { SETTINGS_PARAMETER_PERMISSIONS } from '../shared/config-rule-evaluator.js';
import type { AirlockFunction } from './airlock-function.js';
import { PERIODIC_FREQUENCY } from './config-rules.js';
import type { AirlockContext, OrganizationContext } from './context.js';
import { Layer } from './layer.js';
import {
  centralRoleNames,
  forwardedPatterns,
  type MemberStackProps,
  memberTemplateBody,
} from './member-stack.js';
import type { EvaluatorDescriptor } from './registries.js';
import { invokeTarget, type RemediationResources } from './remediation.js';

export interface OrganizationProps {
  readonly context: AirlockContext & { readonly organization: OrganizationContext };
  readonly remediations: readonly RemediationResources[];
  /** The evaluators and their functions: an organization rule each, evaluated in every member account. */
  readonly evaluators?: readonly { readonly descriptor: EvaluatorDescriptor; readonly fn: AirlockFunction }[];
  /** The member StackSet (one per deployment: the primary region's stack holds it); default true. */
  readonly withStackSet?: boolean;
}

/**
 * Many accounts: the central event bus (only the organization may put events on it), each
 * remediation's rules again on that bus, and the StackSet that puts the member stack (role and event
 * forwarding) into every account of the member OUs.
 */
export class Organization extends Layer {
  readonly bus: EventBus;
  readonly busRules = new Map<string, Rule>();
  readonly busApiCallRules = new Map<string, Rule>();
  readonly memberProps: MemberStackProps;
  /** In the primary region's stack only. */
  readonly memberStackSet?: CfnStackSet;
  /** The organization custom rules, by evaluator id: the central evaluator judges every member account. */
  readonly organizationRules = new Map<string, CfnOrganizationConfigRule>();

  constructor(scope: Construct, id: string, props: OrganizationProps) {
    super(scope, id);
    const c = props.context;
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
        conditions: {
          StringEquals: { 'aws:PrincipalOrgID': org.organizationId, ...forwardedKinds(props.remediations) },
        },
      }),
    );
    // forwarded events keep their own account and region: the functions act there (member role)
    for (const r of props.remediations) this.addBusRules(r);
    const remediations = props.remediations.map((r) => r.remediation);
    const evaluators = props.evaluators ?? [];
    for (const e of evaluators) this.addOrganizationRule(e.descriptor, e.fn, c);
    this.memberProps = {
      remediations,
      organizationId: org.organizationId,
      externalId: org.externalId,
      roleName: org.memberRoleName,
      centralAccount: c.account,
      centralRegion: c.regions[0]!,
      centralRegions: c.regions,
      centralPartition: c.partition,
      busName: org.busName,
      centralRoleNames: centralRoleNames(
        [...remediations.map((r) => r.id), ...evaluators.map((e) => e.descriptor.id)],
        c.regions,
      ),
      evaluatorActions: memberEvaluatorActions(evaluators.map((e) => e.descriptor)),
      memberRegions: org.memberRegions,
      roleRegion: org.memberRoleRegion,
    };
    if (props.withStackSet === false) return;
    const stackSet = this.stackSet(org);
    // the member role trusts the functions' roles by ARN: they must exist first
    for (const r of props.remediations) stackSet.node.addDependency(r.fn.role);
    for (const e of evaluators) stackSet.node.addDependency(e.fn.role);
    this.memberStackSet = stackSet;
  }

  /**
   * An organization custom rule of an evaluator: Config in every member account (in this region)
   * invokes the central function, which reads the account through the member role and reports there.
   * In each member account the rule is named `OrgConfigRule-<rule name>-<suffix>`, which the
   * remediation recognises by its name and source (`shared/rule-names.ts`). This account keeps its
   * own rule (`ConfigRules`) and is excluded.
   */
  private addOrganizationRule(e: EvaluatorDescriptor, fn: AirlockFunction, c: AirlockContext): void {
    // Config of any account may invoke it: the function acts only where the member role lets it
    // (the role exists in the organization's accounts and its AssumeRole is bound to aws:ResourceOrgID)
    const permission = new CfnPermission(this, `${e.id}-OrganizationInvoke`, {
      action: 'lambda:InvokeFunction',
      functionName: fn.fn.functionArn,
      principal: 'config.amazonaws.com',
    });
    const triggers = [
      ...(e.configurationChange
        ? ['ConfigurationItemChangeNotification', 'OversizedConfigurationItemChangeNotification']
        : []),
      ...(e.periodic ? ['ScheduledNotification'] : []),
    ];
    const rule = new CfnOrganizationConfigRule(this, `${e.id}-OrganizationRule`, {
      organizationConfigRuleName: e.ruleName,
      excludedAccounts: [c.account],
      organizationCustomRuleMetadata: {
        description: `airlock: custom rule evaluated by airlock-${e.id} (raises ${e.remediationId})`,
        lambdaFunctionArn: fn.fn.functionArn,
        organizationConfigRuleTriggerTypes: triggers,
        ...(e.configurationChange ? { resourceTypesScope: [e.resourceType] } : {}),
        ...(e.periodic
          ? { maximumExecutionFrequency: typeof e.periodic === 'string' ? e.periodic : PERIODIC_FREQUENCY }
          : {}),
      },
    });
    rule.node.addDependency(permission);
    this.organizationRules.set(e.id, rule);
  }

  private addBusRules(r: RemediationResources): void {
    const id = r.remediation.id;
    const onBus = new Rule(this, `${id}-BusEvents`, {
      eventBus: this.bus,
      ruleName: `airlock-${id}`,
      description: `member accounts: ${r.remediation.resourceType} NON_COMPLIANT -> airlock-${id}`,
      eventPattern: r.compliancePattern,
    });
    onBus.addTarget(invokeTarget(r.fn));
    this.busRules.set(id, onBus);
    if (!r.apiCallPattern) return;
    const onBusCalls = new Rule(this, `${id}-BusApiCalls`, {
      eventBus: this.bus,
      ruleName: `airlock-${id}-api-calls`,
      description: `member accounts: CloudTrail calls -> airlock-${id}`,
      eventPattern: r.apiCallPattern,
    });
    onBusCalls.addTarget(invokeTarget(r.fn));
    this.busApiCallRules.set(id, onBusCalls);
  }

  /** The member template rides inline (TemplateBody): synthesized offline, no asset bucket every member must read. */
  private stackSet(org: OrganizationContext): CfnStackSet {
    return new CfnStackSet(this, 'MemberStackSet', {
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
  }
}

/**
 * The sources and detail-types the member stacks forward (from the very patterns they forward with),
 * as the bus policy's conditions: nothing else may be put on the central bus, even from inside the
 * organization.
 */
function forwardedKinds(remediations: readonly RemediationResources[]): Record<string, string[]> {
  const { compliance, apiCalls } = forwardedPatterns(
    remediations.map((r) => r.remediation),
    [],
  );
  const patterns = [compliance, ...apiCalls.map((c) => c.pattern)];
  const values = (key: 'source' | 'detailType') => [...new Set(patterns.flatMap((p) => p[key] ?? []))].sort();
  return { 'events:source': values('source'), 'events:detail-type': values('detailType') };
}

/** What the evaluators do in a member account: their reads and Config calls, not the home account's settings. */
function memberEvaluatorActions(evaluators: readonly EvaluatorDescriptor[]): string[] {
  const home: readonly string[] = SETTINGS_PARAMETER_PERMISSIONS;
  const actions = evaluators.flatMap((e) => e.permissions).filter((a) => !home.includes(a));
  return [...new Set(actions)].sort();
}

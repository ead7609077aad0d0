import { Duration } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { defaultProductArn } from '../shared/audit-findings.js';
import { AUDIT_EVENT_DETAIL_TYPE, AUDIT_EVENT_SOURCE } from '../shared/audit-publish.js';
import { AirlockFunction, type Shared } from './airlock-function.js';
import type { AirlockContext } from './context.js';
import { Grants } from './grants.js';
import { Layer } from './layer.js';
import { PIPELINE_ACTIONS } from './permissions.js';
import { invokeTarget } from './remediation.js';
import { DEAD_LETTER_SENDER } from './sweep.js';

/** What a function that publishes its records needs: PutEvents on the audit bus, nothing else of EventBridge. */
export const PUBLISH_ACTIONS = ['events:PutEvents'] as const;
/** What the import-findings function needs of Security Hub: importing under the account's default product. */
export const FINDINGS_ACTIONS = ['securityhub:BatchImportFindings'] as const;

/** The records the findings are made of: published by airlock in this account, remediations fixed or failed. */
export function findingsPattern(c: AirlockContext) {
  return {
    source: [AUDIT_EVENT_SOURCE],
    detailType: [AUDIT_EVENT_DETAIL_TYPE],
    account: [c.account],
    detail: { kind: ['remediation'], outcome: ['APPLIED', 'FAILED'] },
  };
}

export interface PublishingProps {
  readonly context: AirlockContext;
  readonly shared: Shared;
  /** The functions that write audit records (the remediations): each publishes them on the bus. */
  readonly publishers: readonly AirlockFunction[];
}

/**
 * The SOC's own tools (context `auditEventBus`, `securityHubFindings`): the bus each audit record is
 * published on, with PutEvents granted to the record writers on that bus only; with airlock's own bus,
 * a policy that refuses PutEvents to anyone else; with Security Hub findings, the import-findings
 * function and its rule on that bus.
 */
export class Publishing extends Layer {
  /** The bus the records are published on (name), when publishing is on. */
  readonly busName?: string;
  readonly busArn?: string;
  /** The bus airlock created (any `auditEventBus` but `default`). */
  readonly bus?: EventBus;
  readonly findings?: AirlockFunction;
  readonly findingsRule?: Rule;

  constructor(scope: Construct, id: string, props: PublishingProps) {
    super(scope, id);
    const c = props.context;
    const p = c.publishing;
    if (!p.eventBus) return;
    this.busName = p.eventBus;
    this.busArn = `arn:${c.partition}:events:${c.region}:${c.account}:event-bus/${p.eventBus}`;
    if (p.createsBus) this.bus = this.createBus(p.eventBus, this.busArn, props.publishers, c);
    for (const publisher of props.publishers) {
      publisher.fn.addEnvironment('AIRLOCK_EVENT_BUS', p.eventBus);
      publisher.addGrant(PUBLISH_ACTIONS, [this.busArn], 'the audit bus');
      if (this.bus) publisher.fn.node.addDependency(this.bus);
    }
    if (p.securityHubFindings && this.bus) {
      this.findings = this.addFindingsFunction(c, props.shared);
      this.findingsRule = new Rule(this, 'FindingsRule', {
        ruleName: 'airlock-import-findings',
        description: 'APPLIED and FAILED remediations published by airlock -> airlock-import-findings',
        eventBus: this.bus,
        eventPattern: findingsPattern(c),
      });
      this.findingsRule.addTarget(invokeTarget(this.findings));
    }
  }

  /**
   * airlock's bus: PutEvents refused to every principal but the publishers' roles (in the account, an
   * identity policy alone would let any role allowed `events:PutEvents` on `*` publish an airlock event).
   */
  private createBus(
    name: string,
    arn: string,
    publishers: readonly AirlockFunction[],
    c: AirlockContext,
  ): EventBus {
    const bus = new EventBus(this, 'AuditBus', {
      eventBusName: name,
      description: 'airlock: every audit record, published by the remediation functions (source airlock)',
    });
    bus.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AirlockPublishersOnly',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [...PUBLISH_ACTIONS],
        resources: [arn],
        conditions: {
          ArnNotEquals: {
            'aws:PrincipalArn': publishers.map(
              (f) => `arn:${c.partition}:iam::${c.account}:role/${f.roleName}`,
            ),
          },
        },
      }),
    );
    return bus;
  }

  private addFindingsFunction(c: AirlockContext, shared: Shared): AirlockFunction {
    const grants = new Grants()
      .add(
        FINDINGS_ACTIONS,
        [defaultProductArn({ account: c.account, region: c.region }, c.partition)],
        'the account default product',
      )
      .add(PIPELINE_ACTIONS.deadLetter, [shared.deadLetterQueueArn], 'queue', DEAD_LETTER_SENDER)
      .add(['kms:Decrypt', 'kms:GenerateDataKey'], [shared.key.keyArn], 'key');
    return new AirlockFunction(this, {
      id: 'import-findings',
      description: 'airlock import-findings: a Security Hub finding per APPLIED or FAILED remediation',
      environment: {},
      grants,
      shared,
      timeout: Duration.seconds(30),
    });
  }
}

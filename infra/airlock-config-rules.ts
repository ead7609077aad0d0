import { CfnConfigRule } from 'aws-cdk-lib/aws-config';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import type { AirlockFunction } from './airlock-function.js';
import { PERIODIC_FREQUENCY, type PlannedRule } from './config-rules.js';
import type { AirlockContext } from './context.js';
import { Layer } from './layer.js';

export interface ConfigRulesProps {
  readonly planned: readonly PlannedRule[];
  readonly context: AirlockContext;
  /** The evaluators' functions, by evaluator id: the custom rules invoke them. */
  readonly evaluators: ReadonlyMap<string, AirlockFunction>;
}

/** The Config rules of the registries: managed rules, and custom rules with the permission to invoke their evaluator. */
export class ConfigRules extends Layer {
  readonly rules = new Map<string, CfnConfigRule>();

  constructor(scope: Construct, id: string, props: ConfigRulesProps) {
    super(scope, id);
    for (const planned of props.planned) {
      this.rules.set(planned.name, this.configRule(planned, props));
    }
  }

  private configRule(planned: PlannedRule, props: ConfigRulesProps): CfnConfigRule {
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
    const evaluator = planned.source.evaluator;
    const fn = props.evaluators.get(evaluator.id);
    if (!fn) throw new Error(`no function for evaluator ${evaluator.id}`);
    const permission = new CfnPermission(this, `${id}-Invoke`, {
      action: 'lambda:InvokeFunction',
      functionName: fn.fn.functionArn,
      principal: 'config.amazonaws.com',
      sourceAccount: props.context.account,
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
}

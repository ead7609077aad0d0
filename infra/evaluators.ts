import type { Construct } from 'constructs';
import type { AnyRemediation } from '../shared/remediation.js';
import { AirlockFunction, type Shared } from './airlock-function.js';
import type { AirlockContext } from './context.js';
import { evaluatorEnv } from './function-env.js';
import { addDescriptorGrants, addMemberRoleGrant, Grants } from './grants.js';
import { Layer } from './layer.js';
import type { EvaluatorDescriptor } from './registries.js';
import type { AuditStorage } from './storage.js';
import { DEAD_LETTER_SENDER } from './sweep.js';

export interface EvaluatorsProps {
  readonly evaluators: readonly EvaluatorDescriptor[];
  readonly remediations: readonly AnyRemediation[];
  readonly context: AirlockContext;
  readonly shared: Shared;
  readonly storage: AuditStorage;
}

/**
 * The functions of the custom Config rules, one per evaluator of the registry: each may read what
 * its descriptor declares, report to Config, and fail into the dead-letter queue.
 */
export class Evaluators extends Layer {
  readonly functions = new Map<string, AirlockFunction>();

  constructor(scope: Construct, id: string, props: EvaluatorsProps) {
    super(scope, id);
    const c = props.context;
    const s = props.shared;
    for (const evaluator of props.evaluators) {
      const grants = addDescriptorGrants(new Grants(), evaluator.permissions, {
        partition: c.partition,
        account: c.account,
        region: c.region,
        parameters: [props.storage.settingsParameter.parameterArn],
      })
        .add(['sqs:SendMessage'], [s.deadLetterQueueArn], 'queue', DEAD_LETTER_SENDER)
        .add(['kms:Decrypt', 'kms:GenerateDataKey'], [s.key.keyArn], 'key');
      // organization rules invoke it for the member accounts: it acts there as the member role
      addMemberRoleGrant(grants, c);
      const remediation = props.remediations.find((r) => r.id === evaluator.remediationId);
      const fn = new AirlockFunction(this, {
        id: evaluator.id,
        description: `airlock ${evaluator.id}: evaluates Config rule ${evaluator.ruleName}`,
        environment: remediation
          ? evaluatorEnv(remediation, c, { settingsParameter: props.storage.settingsParameter.parameterName })
          : {},
        grants,
        shared: s,
      });
      this.functions.set(evaluator.id, fn);
    }
  }
}

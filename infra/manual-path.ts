import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CfnConfigRule, CfnRemediationConfiguration } from 'aws-cdk-lib/aws-config';
import { Effect, ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnDocument } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { parse } from 'yaml';
import type { AnyRemediation } from '../shared/remediation.js';
import type { AirlockFunction } from './airlock-function.js';
import type { AirlockContext } from './context.js';
import { Layer } from './layer.js';
import { regionalIamName } from './names.js';
import { documentNameOf } from './ssm-document.js';

export interface ManualPathProps {
  readonly remediation: AnyRemediation;
  readonly fn: AirlockFunction;
  readonly context: AirlockContext;
  readonly documentsDir: string;
  /** The deployed Config rules of this remediation: each gets a remediation configuration. */
  readonly rules: readonly { readonly name: string; readonly rule: CfnConfigRule }[];
}

/**
 * Config's own remediation path to a remediation: its SSM Automation document (the committed YAML),
 * the automation role (may invoke that one function), and one remediation configuration per rule
 * (manual unless `automaticRemediation`).
 */
export class ManualPath extends Layer {
  readonly document: CfnDocument;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: ManualPathProps) {
    super(scope, id);
    const { remediation: r, context: c, fn } = props;
    const name = documentNameOf(r.id);
    this.document = new CfnDocument(this, `${r.id}-Document`, {
      name,
      documentType: 'Automation',
      documentFormat: 'JSON',
      content: readDocument(props.documentsDir, r.id),
      updateMethod: 'NewVersion',
    });
    this.role = new Role(this, `${r.id}-AutomationRole`, {
      roleName: regionalIamName(`${name}-automation`, c),
      assumedBy: new ServicePrincipal('ssm.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': c.account } },
      }),
      description: `SSM Automation ${name}: may invoke ${fn.functionName}, nothing else`,
    });
    new ManagedPolicy(this, `${r.id}-AutomationPolicy`, {
      managedPolicyName: regionalIamName(`${name}-automation`, c),
      statements: [
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: ['lambda:InvokeFunction'],
          resources: [`arn:${c.partition}:lambda:${c.region}:${c.account}:function:${fn.functionName}`],
        }),
      ],
      roles: [this.role],
    });
    for (const { name: ruleName, rule } of props.rules) {
      const config = new CfnRemediationConfiguration(this, `${r.id}-Remediation-${ruleName}`, {
        configRuleName: ruleName,
        targetType: 'SSM_DOCUMENT',
        targetId: name,
        targetVersion: '$DEFAULT',
        automatic: c.automaticRemediation,
        ...(c.automaticRemediation ? { maximumAutomaticAttempts: 3, retryAttemptSeconds: 300 } : {}),
        parameters: {
          ResourceId: { ResourceValue: { Value: 'RESOURCE_ID' } },
          AccountId: { StaticValue: { Values: [c.account] } },
          Region: { StaticValue: { Values: [c.region] } },
          ConfigRuleName: { StaticValue: { Values: [ruleName] } },
          AutomationAssumeRole: { StaticValue: { Values: [this.role.roleArn] } },
        },
      });
      config.node.addDependency(rule);
      config.node.addDependency(this.document);
    }
  }
}

/**
 * CloudFormation takes a document's content as an object: the committed YAML, parsed (its header
 * comment is for readers of the file; the document's description says what it does).
 */
function readDocument(documentsDir: string, id: string): unknown {
  const fileName = join(documentsDir, `${id}.yaml`);
  try {
    return parse(readFileSync(fileName, 'utf8'));
  } catch (cause) {
    throw new Error(`${fileName} is missing or invalid: run npm run ssm-documents`, { cause });
  }
}

import { stringify } from 'yaml';
import { COMPLIANCE_CHANGE, EVENT_SOURCES } from '../shared/event.js';
import type { AnyRemediation } from '../shared/remediation.js';

/** The Lambda function (and SSM document) name of a remediation: one name for everything. */
export function functionNameOf(id: string): string {
  return `airlock-${id}`;
}

/** The SSM document name of a remediation (SSM reserves the `AWS-`/`Amazon` prefixes, not ours). */
export const documentNameOf = functionNameOf;

/** allowedPattern of the other parameters. */
export const PARAMETER_PATTERNS = {
  AccountId: '^\\d{12}$',
  Region: '^[a-z]{2}(-[a-z]+)+-\\d{1,2}$',
  ConfigRuleName: '^[A-Za-z0-9_-]{1,128}$',
  AutomationAssumeRole: '^arn:aws[a-z-]*:iam::\\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$',
} as const;

/** The step that invokes the function, and so the prefix of the document's outputs. */
export const INVOKE_STEP = 'InvokeRemediation';

/**
 * The compliance-change event the document sends, with SSM's `{{ }}` placeholders. SSM has no ISO
 * time variable: `time` is the day of the run (`global:DATE`, yyyy-MM-dd), and the evaluation's
 * `orderingTimestamp` (part of the idempotency key) is the run's date and time (`global:DATE_TIME`),
 * so each run is handled once.
 */
export function payloadTemplate(remediation: AnyRemediation): string {
  const qualifier = {
    configRuleName: '{{ ConfigRuleName }}',
    resourceType: remediation.resourceType,
    resourceId: '{{ ResourceId }}',
  };
  return JSON.stringify({
    version: '0',
    id: '{{ automation:EXECUTION_ID }}',
    'detail-type': COMPLIANCE_CHANGE,
    source: EVENT_SOURCES.manual,
    account: '{{ AccountId }}',
    time: '{{ global:DATE }}T00:00:00Z',
    region: '{{ Region }}',
    resources: [],
    detail: {
      resourceId: '{{ ResourceId }}',
      awsRegion: '{{ Region }}',
      awsAccountId: '{{ AccountId }}',
      configRuleName: '{{ ConfigRuleName }}',
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: {
        evaluationResultIdentifier: {
          evaluationResultQualifier: qualifier,
          orderingTimestamp: '{{ global:DATE_TIME }}',
        },
        complianceType: 'NON_COMPLIANT',
      },
      resourceType: remediation.resourceType,
    },
  });
}

function header(remediation: AnyRemediation, fileName: string): string {
  const fn = functionNameOf(remediation.id);
  return [
    `# name: ${documentNameOf(remediation.id)} (ssm-documents/${fileName})`,
    `# what it does: ${remediation.title}.`,
    `#   Invokes the Lambda function ${fn} with a "${COMPLIANCE_CHANGE}" event (source ${EVENT_SOURCES.manual})`,
    `#   for one ${remediation.resourceType}; the function runs the same pipeline as for a Config event:`,
    '#   mode (dry-run plans only), exemptions, blast radius, verification, audit record.',
    '# parameters:',
    `#   ResourceId            the ${remediation.resourceType} to remediate (its AWS id)`,
    '#   AccountId             the account it lives in (12 digits; must be one the deployment may act in)',
    '#   Region                its region',
    `#   ConfigRuleName        the Config rule that found it (${remediation.configRuleNames.join(', ')})`,
    `#   AutomationAssumeRole  the role the automation runs as (may invoke ${fn}, nothing else)`,
    '# outputs:',
    `#   ${INVOKE_STEP}.StatusCode  the invocation's HTTP status (200)`,
    `#   ${INVOKE_STEP}.Payload     the pipeline's result: { recordId, outcome, reason }`,
    '# Generated from functions/registry.ts by `npm run ssm-documents`: edit the generator, not this file.',
    '',
  ].join('\n');
}

/** The Automation document of a remediation, as an object (what CloudFormation deploys). */
export function documentOf(remediation: AnyRemediation): Record<string, unknown> {
  return {
    schemaVersion: '0.3',
    description: `${remediation.title} (airlock ${remediation.id}, manual path: runs the remediation's function for one resource).`,
    assumeRole: '{{ AutomationAssumeRole }}',
    parameters: {
      ResourceId: {
        type: 'String',
        description: `The ${remediation.resourceType} to remediate.`,
        // the id format of the remediation's resource kind, which the function checks again: it
        // admits no quote, backslash, brace or space, so the id cannot break out of the JSON payload
        allowedPattern: remediation.resourceKind.pattern,
      },
      AccountId: {
        type: 'String',
        description: 'The account of the resource.',
        allowedPattern: PARAMETER_PATTERNS.AccountId,
      },
      Region: {
        type: 'String',
        description: 'The region of the resource.',
        allowedPattern: PARAMETER_PATTERNS.Region,
      },
      ConfigRuleName: {
        type: 'String',
        description: 'The Config rule that reported the resource NON_COMPLIANT.',
        allowedPattern: PARAMETER_PATTERNS.ConfigRuleName,
      },
      AutomationAssumeRole: {
        type: 'String',
        description: `The role the automation assumes: may invoke ${functionNameOf(remediation.id)}.`,
        allowedPattern: PARAMETER_PATTERNS.AutomationAssumeRole,
      },
    },
    mainSteps: [
      {
        name: INVOKE_STEP,
        action: 'aws:invokeLambdaFunction',
        timeoutSeconds: 300,
        onFailure: 'Abort',
        isEnd: true,
        inputs: {
          FunctionName: functionNameOf(remediation.id),
          InvocationType: 'RequestResponse',
          Payload: payloadTemplate(remediation),
        },
      },
    ],
    outputs: [`${INVOKE_STEP}.StatusCode`, `${INVOKE_STEP}.Payload`],
  };
}

/** The committed file of a remediation's document: header comment, then the YAML. */
export function renderDocument(remediation: AnyRemediation): { fileName: string; text: string } {
  const fileName = `${remediation.id}.yaml`;
  const body = stringify(documentOf(remediation), { lineWidth: 0 });
  return { fileName, text: `${header(remediation, fileName)}${body}` };
}

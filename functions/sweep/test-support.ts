/** What the sweep's tests share: settings, ports, and Lambda's on-failure record as Lambda writes it. */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import type { SweepPorts } from './ports.js';
import type { SweepSettings } from './settings.js';

export const NOW = Date.parse('2026-11-22T09:00:00Z');
export const HOME = { partition: 'aws', account: '111122223333', region: 'eu-west-2' } as const;
export const QUEUE = `https://sqs.${HOME.region}.amazonaws.com/${HOME.account}/airlock-dead-letters`;

export const SETTINGS: SweepSettings = {
  queueUrl: QUEUE,
  targets: [
    {
      remediation: 'revoke-open-ssh',
      functionName: 'airlock-revoke-open-ssh',
      resourceType: 'AWS::EC2::SecurityGroup',
      rules: ['airlock-restricted-ssh'],
      names: ['restricted-ssh', 'airlock-restricted-ssh'],
      managedNames: ['restricted-ssh'],
    },
  ],
  dropFunctions: ['airlock-evaluate-route-tables'],
  graceMinutes: 30,
  maxInvocations: 100,
  deploymentRegions: [HOME.region],
};

/** The sweep's ports on clients that the tests' `mockClient` intercepts. */
export function sweepPorts(): SweepPorts {
  return {
    sqs: new SQSClient({ region: HOME.region }),
    lambda: new LambdaClient({ region: HOME.region }),
    config: new ConfigServiceClient({ region: HOME.region }),
    logger: new Logger({ serviceName: 'sweep', logLevel: 'SILENT' }),
    now: () => NOW,
    self: 'airlock-sweep',
    ...HOME,
  };
}

/** The ARN Lambda writes in an on-failure record: the function of this account and region, `$LATEST`. */
export function functionArn(name: string, where: { account?: string; region?: string } = {}): string {
  return `arn:aws:lambda:${where.region ?? HOME.region}:${where.account ?? HOME.account}:function:${name}:$LATEST`;
}

/** A Lambda on-failure destination record, as Lambda writes it to SQS; `changes` replace its parts. */
export function destinationRecord(
  functionName: string,
  payload: unknown,
  changes: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-22T08:00:00.000Z',
    requestContext: {
      requestId: 'e4b46cbf-b738-4d68-9a0b-1d9c8c1b8a47',
      functionArn: functionArn(functionName),
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: payload,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'RemediationFailedError', errorMessage: 'verification failed' },
    ...changes,
  });
}

/** The events the sweep sent to Lambda, decoded. */
export function invokedPayloads(lambda: AwsClientStub<LambdaClient>): unknown[] {
  return lambda
    .commandCalls(InvokeCommand)
    .map((c) => JSON.parse(new TextDecoder().decode(c.args[0].input.Payload as Uint8Array)));
}

/** The sweep's three clients, mocked (call once per test file, at its top). */
export function mockSweepClients() {
  return {
    sqs: mockClient(SQSClient),
    lambda: mockClient(LambdaClient),
    config: mockClient(ConfigServiceClient),
  };
}

/**
 * Before each test: the mocks forgotten, then an empty queue, invocations and deletions accepted,
 * Config re-evaluating and reporting nothing NON_COMPLIANT in this account.
 */
export function resetSweepClients(mocks: ReturnType<typeof mockSweepClients>): void {
  const { sqs, lambda, config } = mocks;
  for (const mock of [sqs, lambda, config]) mock.reset();
  sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
  sqs.on(DeleteMessageCommand).resolves({});
  lambda.on(InvokeCommand).resolves({ StatusCode: 202 });
  config.on(StartConfigRulesEvaluationCommand).resolves({});
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
}

/** A security group's NON_COMPLIANT EvaluationResult, as GetComplianceDetailsByConfigRule returns it. */
export function evaluationResult(rule: string, resourceId: string, recorded: string) {
  return {
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: {
        ConfigRuleName: rule,
        ResourceType: 'AWS::EC2::SecurityGroup',
        ResourceId: resourceId,
      },
      OrderingTimestamp: new Date('2026-11-22T07:00:00Z'),
    },
    ComplianceType: 'NON_COMPLIANT' as const,
    ResultRecordedTime: new Date(recorded),
    ConfigRuleInvokedTime: new Date(recorded),
  };
}

import {
  GetComplianceDetailsByConfigRuleCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseComplianceEvent } from '../../shared/event.js';
import { functionNameOfArn, readDeadLetter } from './dead-letter.js';
import { SweepSettingsError, sweepSettingsFromEnv } from './settings.js';
import { runSweep } from './sweep.js';
import {
  destinationRecord,
  evaluationResult,
  HOME,
  invokedPayloads as invokedPayloadsOf,
  mockSweepClients,
  QUEUE,
  resetSweepClients,
  SETTINGS,
  sweepPorts,
} from './test-support.js';

const mocks = mockSweepClients();
const { sqs, lambda, config } = mocks;
const ports = sweepPorts;
const invokedPayloads = () => invokedPayloadsOf(lambda);

beforeEach(() => resetSweepClients(mocks));

describe('Function: runSweep (dead letters)', () => {
  it('re-invokes the failed remediation function with the original event, then deletes the message', async () => {
    // Prepare
    const original = { id: 'evt-1', source: 'aws.config', detail: { resourceId: 'sg-0123456789abcdef0' } };
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'm1',
            ReceiptHandle: 'r1',
            Body: destinationRecord('airlock-revoke-open-ssh', original),
          },
        ],
      })
      .resolves({ Messages: [] });

    // Act
    const report = await runSweep(SETTINGS, ports());

    // Assess
    expect(report.redriven).toBe(1);
    expect(lambda.commandCalls(InvokeCommand)[0]?.args[0].input).toMatchObject({
      FunctionName: 'airlock-revoke-open-ssh',
      InvocationType: 'Event',
    });
    expect(invokedPayloads()).toEqual([original]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r1']);
  });

  it('drops failures of evaluators and of the sweep itself, and keeps unknown or malformed ones', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          {
            MessageId: 'm1',
            ReceiptHandle: 'r1',
            Body: destinationRecord('airlock-evaluate-route-tables', {}),
          },
          { MessageId: 'm2', ReceiptHandle: 'r2', Body: destinationRecord('airlock-sweep', {}) },
          { MessageId: 'm3', ReceiptHandle: 'r3', Body: destinationRecord('someone-else', {}) },
          { MessageId: 'm4', ReceiptHandle: 'r4', Body: 'not json' },
        ],
      })
      .resolves({ Messages: [] });

    // Act
    const report = await runSweep(SETTINGS, ports());

    // Assess
    expect(report).toMatchObject({ redriven: 0, dropped: 2, kept: 2 });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual([
      'r1',
      'r2',
    ]);
  });

  it('keeps the message when the re-invocation fails, so a later run tries again', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({
        Messages: [
          { MessageId: 'm1', ReceiptHandle: 'r1', Body: destinationRecord('airlock-revoke-open-ssh', {}) },
        ],
      })
      .resolves({ Messages: [] });
    lambda
      .on(InvokeCommand)
      .rejects(Object.assign(new Error('throttled'), { name: 'TooManyRequestsException' }));

    // Act & Assess
    await expect(runSweep(SETTINGS, ports())).rejects.toThrow('throttled');
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });
});

describe('Function: runSweep (NON_COMPLIANT results)', () => {
  const result = (resourceId: string, recorded: string) =>
    evaluationResult('airlock-restricted-ssh', resourceId, recorded);

  it('asks Config to re-evaluate and re-drives results older than the grace period as sweep events', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [
        result('sg-0123456789abcdef0', '2026-11-22T07:00:05Z'),
        result('sg-0fedcba9876543210', '2026-11-22T08:50:00Z'),
      ],
    });

    // Act
    const report = await runSweep(SETTINGS, ports());

    // Assess
    expect(report).toMatchObject({ reevaluated: 1, resubmitted: 1 });
    expect(config.commandCalls(StartConfigRulesEvaluationCommand)[0]?.args[0].input).toEqual({
      ConfigRuleNames: ['airlock-restricted-ssh'],
    });
    const [event] = invokedPayloads();
    const parsed = parseComplianceEvent(event);
    expect(parsed).toMatchObject({
      trigger: 'sweep',
      resourceId: 'sg-0123456789abcdef0',
      rule: 'airlock-restricted-ssh',
      evaluationTime: '2026-11-22T07:00:00.000Z',
      account: '111122223333',
    });
  });

  it('goes on when Config is already evaluating the rule', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    config
      .on(StartConfigRulesEvaluationCommand)
      .rejects(Object.assign(new Error('busy'), { name: 'LimitExceededException' }));
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: [result('sg-0123456789abcdef0', '2026-11-22T07:00:05Z')],
    });

    // Act
    const report = await runSweep(SETTINGS, ports());

    // Assess
    expect(report).toMatchObject({ reevaluated: 0, resubmitted: 1 });
  });

  it('stops at the invocation budget', async () => {
    // Prepare
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
    config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
      EvaluationResults: Array.from({ length: 5 }, (_, i) =>
        result(`sg-0123456789abcdef${i}`, '2026-11-22T07:00:05Z'),
      ),
    });

    // Act
    const report = await runSweep({ ...SETTINGS, maxInvocations: 3 }, ports());

    // Assess
    expect(report.resubmitted).toBe(3);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(3);
  });
});

describe('Function: sweep settings and records', () => {
  const required = {
    AIRLOCK_SWEEP_QUEUE_URL: QUEUE,
    AIRLOCK_SWEEP_TARGETS: JSON.stringify(SETTINGS.targets),
  };

  it('reads its settings from the environment and names a missing variable', () => {
    // Prepare
    const env = {
      ...required,
      AIRLOCK_SWEEP_DROP_FUNCTIONS: 'airlock-evaluate-route-tables, airlock-evaluate-tgw-routes',
      AIRLOCK_SWEEP_GRACE_MINUTES: '30',
    };

    // Act
    const settings = sweepSettingsFromEnv(env);

    // Assess
    expect(settings.dropFunctions).toEqual(['airlock-evaluate-route-tables', 'airlock-evaluate-tgw-routes']);
    expect(settings.maxInvocations).toBe(100);
    expect(() => sweepSettingsFromEnv({ ...env, AIRLOCK_SWEEP_QUEUE_URL: '' })).toThrow(
      /AIRLOCK_SWEEP_QUEUE_URL/,
    );
    expect(() => sweepSettingsFromEnv({ ...env, AIRLOCK_SWEEP_TARGETS: '[{' })).toThrow(SweepSettingsError);
    expect(() => sweepSettingsFromEnv({ ...env, AIRLOCK_SWEEP_QUEUE_URL: 'http://evil.example/q' })).toThrow(
      /queueUrl/,
    );
  });

  it('reads the organization settings: the aggregator needs the deployment regions', () => {
    // Prepare
    const env = {
      ...required,
      AIRLOCK_SWEEP_AGGREGATOR: 'airlock-organization',
      AIRLOCK_DEPLOYMENT_REGIONS: 'eu-west-2,eu-central-1',
    };

    // Act
    const settings = sweepSettingsFromEnv(env);

    // Assess
    expect(settings).toMatchObject({
      aggregatorName: 'airlock-organization',
      deploymentRegions: ['eu-west-2', 'eu-central-1'],
    });
    expect(() => sweepSettingsFromEnv({ ...env, AIRLOCK_DEPLOYMENT_REGIONS: '' })).toThrow(
      /AIRLOCK_DEPLOYMENT_REGIONS must be set/,
    );
    expect(() => sweepSettingsFromEnv({ ...env, AIRLOCK_SWEEP_AGGREGATOR: 'a b' })).toThrow(/aggregatorName/);
    expect(() => sweepSettingsFromEnv({ ...env, AIRLOCK_DEPLOYMENT_REGIONS: 'mars-1' })).toThrow(
      /deploymentRegions/,
    );
  });

  it('reads the function name from a destination record of this account and region, and nothing else', () => {
    // Act & Assess
    expect(functionNameOfArn('arn:aws:lambda:eu-west-2:111122223333:function:airlock-x:$LATEST', HOME)).toBe(
      'airlock-x',
    );
    expect(functionNameOfArn('arn:aws:lambda:eu-west-2:111122223333:function:airlock-x', HOME)).toBe(
      'airlock-x',
    );
    expect(
      functionNameOfArn('arn:aws:lambda:eu-west-2:111122223333:function:airlock-x:live', HOME),
    ).toBeUndefined();
    expect(
      functionNameOfArn('arn:aws:lambda:eu-west-2:444455556666:function:airlock-x', HOME),
    ).toBeUndefined();
    expect(
      functionNameOfArn('arn:aws:lambda:eu-central-1:111122223333:function:airlock-x', HOME),
    ).toBeUndefined();
    expect(
      functionNameOfArn('arn:aws-cn:lambda:eu-west-2:111122223333:function:airlock-x', HOME),
    ).toBeUndefined();
    expect(functionNameOfArn('arn:aws:sqs:eu-west-2:111122223333:airlock-x', HOME)).toBeUndefined();
    expect(readDeadLetter(undefined, HOME)).toEqual({ kept: 'not-json' });
    expect(readDeadLetter('null', HOME)).toEqual({ kept: 'not-a-lambda-failure-record' });
  });
});

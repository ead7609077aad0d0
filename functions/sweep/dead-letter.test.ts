import { InvokeCommand } from '@aws-sdk/client-lambda';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { realComplianceEvent } from '../../test/helpers/events.js';
import { runSweep } from './sweep.js';
import {
  destinationRecord,
  functionArn,
  invokedPayloads,
  mockSweepClients,
  resetSweepClients,
  SETTINGS,
  sweepPorts,
} from './test-support.js';

const mocks = mockSweepClients();
const { sqs, lambda } = mocks;

/** A victim's group the forger wants "remediated" through the sweep. */
const FORGED_EVENT = { id: 'forged', source: 'aws.config', detail: { resourceId: 'sg-0fedcba9876543210' } };

/** A record of the right shape whose request context says something else than Lambda would. */
function recordWith(requestContext: Record<string, unknown>): string {
  const record = JSON.parse(destinationRecord('airlock-revoke-open-ssh', FORGED_EVENT)) as {
    requestContext: Record<string, unknown>;
  };
  return JSON.stringify({ ...record, requestContext: { ...record.requestContext, ...requestContext } });
}

function queueHolds(bodies: readonly string[]): void {
  sqs
    .on(ReceiveMessageCommand)
    .resolvesOnce({
      Messages: bodies.map((Body, i) => ({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body })),
    })
    .resolves({ Messages: [] });
}

beforeEach(() => resetSweepClients(mocks));

describe('Attack: a message forged into the dead-letter queue (every function role may send to it)', () => {
  it('keeps a record of the right shape naming a function of another account, region or partition: nothing re-driven, nothing deleted', async () => {
    // Prepare
    queueHolds([
      recordWith({ functionArn: functionArn('airlock-revoke-open-ssh', { account: '444455556666' }) }),
      recordWith({ functionArn: functionArn('airlock-revoke-open-ssh', { region: 'eu-central-1' }) }),
      recordWith({
        functionArn: 'arn:aws-cn:lambda:eu-west-2:111122223333:function:airlock-revoke-open-ssh',
      }),
      recordWith({ functionArn: 'airlock-revoke-open-ssh' }),
      recordWith({ functionArn: functionArn('airlock-evaluate-route-tables', { account: '444455556666' }) }),
    ]);

    // Act
    const report = await runSweep(SETTINGS, sweepPorts());

    // Assess
    expect(report).toMatchObject({ redriven: 0, dropped: 0, kept: 5 });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it('keeps a plain event, or one wrapped in anything but the record Lambda writes', async () => {
    // Prepare
    const plain = JSON.stringify(
      realComplianceEvent('airlock-restricted-ssh', 'AWS::EC2::SecurityGroup', 'sg-0123456789abcdef0'),
    );
    const record = JSON.parse(destinationRecord('airlock-revoke-open-ssh', FORGED_EVENT)) as Record<
      string,
      unknown
    >;
    const without = (key: string) => JSON.stringify({ ...record, [key]: undefined });
    queueHolds([
      plain,
      without('version'),
      without('responseContext'),
      without('requestPayload'),
      JSON.stringify({ ...record, version: '0' }),
      recordWith({ condition: 'Success' }),
      recordWith({ condition: 'RecursiveInvocationDetected' }),
      recordWith({ requestId: undefined }),
      JSON.stringify([record]),
    ]);

    // Act
    const report = await runSweep(SETTINGS, sweepPorts());

    // Assess
    expect(report).toMatchObject({ redriven: 0, dropped: 0, kept: 9 });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  it("re-drives the genuine record beside the forgeries: Lambda's own, of a remediation function here", async () => {
    // Prepare
    const original = realComplianceEvent(
      'airlock-restricted-ssh',
      'AWS::EC2::SecurityGroup',
      'sg-0123456789abcdef0',
    );
    queueHolds([
      recordWith({ functionArn: functionArn('airlock-revoke-open-ssh', { account: '444455556666' }) }),
      destinationRecord('airlock-revoke-open-ssh', original),
      destinationRecord('airlock-revoke-open-ssh', original, { version: '2.0' }),
    ]);

    // Act
    const report = await runSweep(SETTINGS, sweepPorts());

    // Assess
    expect(report).toMatchObject({ redriven: 1, kept: 2 });
    expect(invokedPayloads(lambda)).toEqual([original]);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['r1']);
  });

  it('re-drives a record of an event too old to retry (EventAgeExceeded) like one whose retries ran out', async () => {
    // Prepare
    queueHolds([recordWith({ condition: 'EventAgeExceeded' })]);

    // Act
    const report = await runSweep(SETTINGS, sweepPorts());

    // Assess
    expect(report.redriven).toBe(1);
    expect(invokedPayloads(lambda)).toEqual([FORGED_EVENT]);
  });
});

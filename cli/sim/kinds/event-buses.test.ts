import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { BatchImportFindingsCommand, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, errorOf, REGION, scope, simWith } from '../../../test/helpers/simulated-services.js';
import { deliveredEvents } from './event-buses.js';

const PRODUCT = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;

function finding(changes: Record<string, unknown> = {}) {
  return {
    SchemaVersion: '2018-10-08',
    Id: 'airlock/0190f3a2-7b1c-7def-8abc-0123456789a1',
    ProductArn: PRODUCT,
    GeneratorId: 'airlock/revoke-open-ssh',
    AwsAccountId: ACCOUNT,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: '2026-11-20T10:00:06.000Z',
    UpdatedAt: '2026-11-20T10:00:06.000Z',
    Severity: { Label: 'HIGH' },
    Title: 'airlock revoke-open-ssh FAILED on sg-0a0a0a0a0a0a0a0a1',
    Description: 'denied',
    Resources: [{ Type: 'AwsEc2SecurityGroup', Id: 'sg-0a0a0a0a0a0a0a0a1' }],
    Compliance: { Status: 'FAILED' },
    Workflow: { Status: 'NEW' },
    ...changes,
  } as never;
}

describe('Function: simulated EventBridge (PutEvents)', () => {
  it('keeps the events published on a bus the region has, as EventBridge delivers them, and refuses the others per entry', async () => {
    // Prepare
    const { sim, factory } = await simWith({ eventBuses: ['airlock-audit'] });
    const events = factory.get(EventBridgeClient, scope);
    const entry = {
      Source: 'airlock',
      DetailType: 'airlock audit record',
      Detail: '{"id":"r1","digest":"d1"}',
    };

    // Act
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          { ...entry, EventBusName: 'airlock-audit', Time: new Date('2026-11-20T10:00:06Z') },
          { ...entry, EventBusName: 'no-such-bus' },
          { ...entry, EventBusName: 'airlock-audit', Detail: 'not json' },
        ],
      }),
    );
    const tooMany = await errorOf(
      events.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) })),
    );
    const region = (await sim.snapshot()).accounts[ACCOUNT]!.regions[REGION]!;
    await sim.close();

    // Assess
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries![1]).toEqual({
      ErrorCode: 'ResourceNotFoundException',
      ErrorMessage: 'Event bus no-such-bus does not exist.',
    });
    expect(out.Entries![2]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(tooMany?.name).toBe('ValidationException');
    expect(deliveredEvents(region, 'airlock-audit')).toEqual([
      {
        version: '0',
        id: out.Entries![0]!.EventId,
        'detail-type': 'airlock audit record',
        source: 'airlock',
        account: ACCOUNT,
        time: '2026-11-20T10:00:06Z',
        region: REGION,
        resources: [],
        detail: { id: 'r1', digest: 'd1' },
      },
    ]);
    expect(sim.changes().map((c) => [c.api, c.resourceId])).toEqual([['events:PutEvents', 'airlock-audit']]);
  });
});

describe('Function: simulated Security Hub (BatchImportFindings)', () => {
  it('keeps findings by id, updates them in place (the workflow as first imported), and refuses other products, accounts and incomplete findings', async () => {
    // Prepare
    const { sim, factory } = await simWith({});
    const hub = factory.get(SecurityHubClient, scope);

    // Act
    const first = await hub.send(new BatchImportFindingsCommand({ Findings: [finding()] }));
    const again = await hub.send(
      new BatchImportFindingsCommand({
        Findings: [finding({ UpdatedAt: '2026-11-20T11:00:00.000Z', Workflow: { Status: 'RESOLVED' } })],
      }),
    );
    const refused = await hub.send(
      new BatchImportFindingsCommand({
        Findings: [
          finding({
            Id: 'other-product',
            ProductArn: `arn:aws:securityhub:${REGION}::product/aws/guardduty`,
          }),
          finding({ Id: 'other-account', AwsAccountId: '999988887777' }),
          finding({ Id: 'no-title', Title: undefined }),
        ],
      }),
    );
    const region = (await sim.snapshot()).accounts[ACCOUNT]!.regions[REGION]!;
    await sim.close();

    // Assess
    expect(first).toMatchObject({ FailedCount: 0, SuccessCount: 1 });
    expect(again).toMatchObject({ FailedCount: 0, SuccessCount: 1 });
    expect(refused.FailedCount).toBe(3);
    expect(refused.FailedFindings!.map((f) => [f.Id, f.ErrorCode])).toEqual([
      ['other-product', 'InvalidAccess'],
      ['other-account', 'InvalidAccess'],
      ['no-title', 'InvalidInput'],
    ]);
    expect(region.securityHubFindings).toHaveLength(1);
    expect(region.securityHubFindings[0]).toMatchObject({
      UpdatedAt: '2026-11-20T11:00:00.000Z',
      Workflow: { Status: 'NEW' },
    });
  });
});

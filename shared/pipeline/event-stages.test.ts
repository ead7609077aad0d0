import { describe, expect, it } from 'vitest';
import type { ApiCall, ParsedEvent } from '../event.js';
import type { AnyRemediation } from '../remediation.js';
import { defineResourceKind } from '../resource-kind.js';
import { parseSettings } from '../settings.js';
import { guardEvent } from './guard-event.js';
import { parseStage } from './parse.js';
import { eventSubject, rejectedSubject, unsettledSubject } from './subject.js';
import { isVerdict } from './verdict.js';

const GROUP = 'sg-0123456789abcdef0';

/** The security-group kind, as revoke-open-ssh defines it. */
const securityGroups = defineResourceKind({
  type: 'AWS::EC2::SecurityGroup',
  pattern: '^sg-([0-9a-f]{8}|[0-9a-f]{17})$',
  words: 'a security group id (sg- and 8 or 17 hex digits)',
  example: GROUP,
});

/** The descriptor facts the event stages read; nothing here is ever called. */
const remediation = {
  id: 'revoke-open-ssh',
  resourceType: securityGroups.type,
  resourceKind: securityGroups,
  configRuleNames: ['restricted-ssh'],
} as unknown as AnyRemediation;

/** A compliance-change event as AWS Config publishes it. */
function complianceEvent(fields: { rule?: string; resourceId?: string; resourceType?: string } = {}) {
  const qualifier = {
    configRuleName: fields.rule ?? 'restricted-ssh',
    resourceType: fields.resourceType ?? 'AWS::EC2::SecurityGroup',
    resourceId: fields.resourceId ?? GROUP,
  };
  return {
    version: '0',
    id: 'b1a9c0de-0000-4000-8000-000000000001',
    'detail-type': 'Config Rules Compliance Change',
    source: 'aws.config',
    account: '111122223333',
    time: '2026-11-20T10:00:05Z',
    region: 'eu-west-2',
    resources: [],
    detail: {
      ...qualifier,
      awsRegion: 'eu-west-2',
      awsAccountId: '111122223333',
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: {
        evaluationResultIdentifier: {
          evaluationResultQualifier: qualifier,
          orderingTimestamp: '2026-11-20T10:00:00.000Z',
        },
        complianceType: 'NON_COMPLIANT',
      },
    },
  };
}

/** A parsed event, as the parse stage hands it on. */
const parsed = (fields: Partial<ParsedEvent> = {}): ParsedEvent => ({
  eventId: 'e-1',
  source: 'aws.config',
  detailType: 'Config Rules Compliance Change',
  time: '2026-11-20T10:00:05Z',
  account: '111122223333',
  region: 'eu-west-2',
  rule: 'restricted-ssh',
  resourceType: 'AWS::EC2::SecurityGroup',
  resourceId: GROUP,
  complianceType: 'NON_COMPLIANT',
  evaluationTime: '2026-11-20T10:00:00.000Z',
  trigger: 'config',
  ...fields,
});

/** The API call of a CloudTrail event (the fast path). */
const call = (fields: Partial<ApiCall> = {}): ApiCall => ({
  eventSource: 'ec2.amazonaws.com',
  eventName: 'AuthorizeSecurityGroupIngress',
  eventId: 'c-1',
  eventTime: '2026-11-20T10:00:00Z',
  principal: 'arn:aws:sts::111122223333:assumed-role/developer/jane',
  issuer: 'arn:aws:iam::111122223333:role/developer',
  issuerName: 'developer',
  issuerAccount: '111122223333',
  resourceIds: [GROUP],
  ...fields,
});

const settings = (raw: Record<string, unknown> = {}) => parseSettings({ allowedAccounts: ['*'], ...raw });

describe('Function: parseStage', () => {
  it('hands on the parsed event of a valid compliance change', () => {
    // Act
    const event = parseStage(complianceEvent(), remediation);

    // Assess
    expect(event).toMatchObject({
      resourceId: GROUP,
      rule: 'restricted-ssh',
      account: '111122223333',
      complianceType: 'NON_COMPLIANT',
      evaluationTime: '2026-11-20T10:00:00.000Z',
      trigger: 'config',
    });
  });

  it.each([
    ['malformed JSON', '{"detail-type":', 'event is not valid JSON'],
    ['an array', [complianceEvent()], 'event must be a JSON object, got an array'],
    [
      'another resource type',
      complianceEvent({ resourceType: 'AWS::EC2::Instance', resourceId: 'i-0123456789abcdef0' }),
      'resource type AWS::EC2::Instance is not remediated by revoke-open-ssh (AWS::EC2::SecurityGroup)',
    ],
    [
      'a CloudTrail event for a remediation without a CloudTrail trigger',
      { ...complianceEvent(), 'detail-type': 'AWS API Call via CloudTrail' },
      '"AWS API Call via CloudTrail" events are not handled by this remediation: it has no CloudTrail trigger',
    ],
  ])('ends REJECTED on %s, with the reason', (_name, input, reason) => {
    // Act
    const verdict = parseStage(input, remediation);

    // Assess
    expect(verdict).toEqual({ outcome: 'REJECTED', reason, steps: [], notes: [] });
  });

  it('does not read the rule name (the settings decide which ones are accepted)', () => {
    const event = parseStage(complianceEvent({ rule: 'some-other-rule' }), remediation);
    expect(isVerdict(event)).toBe(false);
  });
});

describe('Function: guardEvent', () => {
  it('lets an accepted NON_COMPLIANT event through', () => {
    expect(guardEvent(parsed(), remediation, settings())).toBeUndefined();
  });

  it.each([
    [
      'a rule the remediation does not act on',
      parsed({ rule: 'vpc-flow-logs-enabled' }),
      settings(),
      'Config rule "vpc-flow-logs-enabled" is not one that revoke-open-ssh acts on (restricted-ssh)',
    ],
    [
      'a default rule when the settings name others',
      parsed(),
      settings({ remediations: { 'revoke-open-ssh': { configRuleNames: ['org-ssh-*'] } } }),
      'Config rule "restricted-ssh" is not one that revoke-open-ssh acts on (org-ssh-*)',
    ],
    [
      'a resource id that is not a group id',
      parsed({ resourceId: '../../etc/passwd' }),
      settings(),
      'resourceId "../../etc/passwd"',
    ],
    [
      'an account outside the allowlist',
      parsed({ account: '444455556666' }),
      settings({ allowedAccounts: ['111122223333'] }),
      "account 444455556666 is not in this deployment's allowlist",
    ],
    [
      'a region outside the allowlist',
      parsed({ region: 'us-east-1' }),
      settings({ allowedRegions: ['eu-west-2'] }),
      "region us-east-1 is not in this deployment's allowlist",
    ],
  ])('ends REJECTED on %s', (_name, event, s, reason) => {
    // Act
    const verdict = guardEvent(event, remediation, s);

    // Assess
    expect(verdict?.outcome).toBe('REJECTED');
    expect(verdict?.reason).toContain(reason);
  });

  it('rejects an event of a region the function cannot reach, naming the region and the deployment regions', () => {
    // Prepare
    const deployed = settings({
      reachableRegions: ['eu-west-2'],
      deploymentRegions: ['eu-west-2', 'eu-central-1'],
    });
    const alone = settings({ reachableRegions: ['eu-west-2'] });

    // Act
    const elsewhere = guardEvent(parsed({ region: 'eu-central-1' }), remediation, deployed);
    const nowhere = guardEvent(parsed({ region: 'us-east-1' }), remediation, alone);
    const here = guardEvent(parsed({ region: 'eu-west-2' }), remediation, deployed);

    // Assess
    expect(elsewhere).toMatchObject({ outcome: 'REJECTED', steps: [] });
    expect(elsewhere?.reason).toBe(
      "region eu-central-1 cannot be reached from this function, which reaches eu-west-2 only (the deployment's regions: eu-west-2, eu-central-1): the deployment in eu-central-1 handles its events",
    );
    expect(nowhere?.reason).toBe(
      "region us-east-1 cannot be reached from this function, which reaches eu-west-2 only (the deployment's regions: eu-west-2): airlock is not deployed in us-east-1",
    );
    expect(here).toBeUndefined();
  });

  it('rejects an unreachable region for a CloudTrail call too', () => {
    const verdict = guardEvent(
      parsed({ region: 'eu-central-1', apiCall: call() }),
      remediation,
      settings({ reachableRegions: ['eu-west-2'] }),
    );
    expect(verdict?.outcome).toBe('REJECTED');
    expect(verdict?.reason).toContain('region eu-central-1 cannot be reached');
  });

  it('accepts a rule name matched by a wildcard of the settings', () => {
    const s = settings({ remediations: { 'revoke-open-ssh': { configRuleNames: ['org-ssh-*'] } } });
    expect(guardEvent(parsed({ rule: 'org-ssh-prod' }), remediation, s)).toBeUndefined();
  });

  it.each(['COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'] as const)(
    'ends NOOP on a %s evaluation',
    (complianceType) => {
      const verdict = guardEvent(parsed({ complianceType }), remediation, settings());
      expect(verdict).toMatchObject({
        outcome: 'NOOP',
        reason: `evaluation is ${complianceType}: nothing to remediate`,
      });
    },
  );

  it('ends NOOP on a CloudTrail call that failed, whatever id it names, and on the own call of airlock', () => {
    // Prepare
    const failed = parsed({
      trigger: 'cloudtrail',
      resourceId: 'not-a-group',
      apiCall: call({ errorCode: 'UnauthorizedOperation' }),
    });
    const own = parsed({
      trigger: 'cloudtrail',
      apiCall: call({
        issuer: 'arn:aws:iam::111122223333:role/airlock-revoke-open-ssh',
        issuerName: 'airlock-revoke-open-ssh',
      }),
    });
    const s = settings({ ownPrincipals: ['arn:aws:iam::111122223333:role/airlock-revoke-open-ssh'] });

    // Act
    const verdicts = [guardEvent(failed, remediation, s), guardEvent(own, remediation, s)];

    // Assess
    expect(verdicts.map((v) => [v?.outcome, v?.reason])).toEqual([
      ['NOOP', 'the call failed (UnauthorizedOperation): nothing changed'],
      [
        'NOOP',
        'made by airlock itself (arn:aws:iam::111122223333:role/airlock-revoke-open-ssh): its own write, nothing to remediate',
      ],
    ]);
  });

  it('still rejects a failed CloudTrail call from an account outside the allowlist', () => {
    const event = parsed({ account: '444455556666', apiCall: call({ errorCode: 'UnauthorizedOperation' }) });
    const verdict = guardEvent(event, remediation, settings({ allowedAccounts: ['111122223333'] }));
    expect(verdict?.outcome).toBe('REJECTED');
  });

  it('does not match a CloudTrail call against Config rule names', () => {
    const event = parsed({ rule: 'cloudtrail:AuthorizeSecurityGroupIngress', apiCall: call() });
    expect(guardEvent(event, remediation, settings())).toBeUndefined();
  });
});

describe('Function: eventSubject', () => {
  it('describes an accepted event by its parsed fields', () => {
    // Act
    const subject = eventSubject(parsed({ annotation: 'port 22 open' }), settings(), undefined);

    // Assess
    expect(subject).toEqual({
      trigger: 'config',
      event: {
        id: 'e-1',
        source: 'aws.config',
        detailType: 'Config Rules Compliance Change',
        time: '2026-11-20T10:00:05Z',
        evaluationTime: '2026-11-20T10:00:00.000Z',
        complianceType: 'NON_COMPLIANT',
        annotation: 'port 22 open',
      },
      resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
      where: { rule: 'restricted-ssh', account: '111122223333', region: 'eu-west-2' },
      notes: [],
    });
  });

  it('names the member role assumed in another account than the home account, and none at home', () => {
    // Prepare
    const s = settings({ memberRole: { name: 'airlock-member' }, homeAccount: '111122223333' });

    // Act
    const member = eventSubject(parsed({ account: '444455556666' }), s, undefined);
    const home = eventSubject(parsed(), s, undefined);

    // Assess
    expect(member.where.assumedRole).toBe('arn:aws:iam::444455556666:role/airlock-member');
    expect(home.where).not.toHaveProperty('assumedRole');
  });

  it('keeps who made a CloudTrail call (not its resource list), notes the other groups, and takes the trigger given', () => {
    // Prepare
    const other = 'sg-0fedcba9876543210';
    const event = parsed({ trigger: 'cloudtrail', apiCall: call({ resourceIds: [GROUP, other] }) });

    // Act
    const subject = eventSubject(event, settings(), 'replay');

    // Assess
    expect(subject.trigger).toBe('replay');
    expect(subject.event.apiCall).toMatchObject({
      principal: call().principal,
      eventName: 'AuthorizeSecurityGroupIngress',
    });
    expect(subject.event.apiCall).not.toHaveProperty('resourceIds');
    expect(subject.notes).toEqual([`the call also named "${other}": this event acts on "${GROUP}" only`]);
  });

  it('leaves out a resource id that is not valid (a failed call may name anything)', () => {
    const subject = eventSubject(parsed({ resourceId: '<script>' }), settings(), undefined);
    expect(subject.resource).toEqual({ type: 'AWS::EC2::SecurityGroup' });
  });
});

describe('Function: rejectedSubject', () => {
  it('describes a rejected event by its summary, and a CloudTrail one as such', () => {
    // Act
    const config = rejectedSubject(complianceEvent({ resourceId: 'sg-x' }), undefined);
    const cloudTrail = rejectedSubject({ 'detail-type': 'AWS API Call via CloudTrail' }, undefined);
    const garbage = rejectedSubject('{"oops"', undefined);

    // Assess
    expect(config).toMatchObject({
      trigger: 'config',
      resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-x' },
      where: { rule: 'restricted-ssh', account: '111122223333', region: 'eu-west-2' },
      notes: [],
    });
    expect(cloudTrail.trigger).toBe('cloudtrail');
    expect(garbage.resource).toEqual({ type: undefined, id: undefined });
  });

  it('leaves out where (rule, account, region) when the settings could not be read', () => {
    const subject = unsettledSubject(complianceEvent(), undefined);
    expect(subject.where).toEqual({});
    expect(subject.trigger).toBe('config');
  });
});

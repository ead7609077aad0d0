import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blockPublicS3CloudTrail } from '../functions/block-public-s3/cloudtrail.js';
import { REMEDIATIONS } from '../functions/registry.js';
import { removePodCidrTgwRoutesCloudTrail } from '../functions/remove-pod-cidr-tgw-routes/cloudtrail.js';
import { revokeOpenSshCloudTrail } from '../functions/revoke-open-ssh/cloudtrail.js';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import { stripInternetRoutesCloudTrail } from '../functions/strip-internet-routes/cloudtrail.js';
import { matchesPattern } from '../infra/event-pattern.js';
import {
  type CloudTrailTrigger,
  cloudTrailEventPattern,
  idsAt,
  isOwnPrincipal,
  matchesCloudTrailTrigger,
  parseCloudTrailEvent,
  stringsAt,
} from '../shared/cloudtrail.js';
import { EventRejectedError } from '../shared/errors.js';
import type { ApiCall } from '../shared/event.js';
import { parseEvent } from '../shared/parse-event.js';
import { idempotencyKey } from '../shared/pipeline.js';
import { validateResourceId } from '../shared/resource-id.js';
import { parseSettings, settingsFromEnv } from '../shared/settings.js';
import { complianceEvent } from './helpers/events.js';
import { loadFixture } from './helpers/fixtures.js';
import { remediationFixtures } from './helpers/remediation-fixtures.js';

type Event = { detail: Record<string, unknown> & { requestParameters?: Record<string, unknown> } } & Record<
  string,
  unknown
>;
const load = (file: string) => loadFixture<Event>(`cloudtrail/${file}`);
const clone = (file: string) => structuredClone(load(file));

/**
 * Every fixture, the trigger it is for, and the resource it names: each remediation lists the
 * recorded events of its calls in its folder (`fixtures.cloudTrailEvents`).
 */
const CASES: [file: string, trigger: CloudTrailTrigger, resourceId: string][] = (
  await Promise.all(
    REMEDIATIONS.map(async (r) =>
      ((await remediationFixtures(r.id)).cloudTrailEvents ?? []).map(
        (e): [string, CloudTrailTrigger, string] => {
          if (!r.cloudTrail) throw new Error(`${r.id} lists CloudTrail events but has no CloudTrail trigger`);
          return [e.file, r.cloudTrail, e.resourceId];
        },
      ),
    ),
  )
).flat();

/** Every registered remediation with a fast path: its id, its trigger, and itself. */
const TRIGGERS = REMEDIATIONS.flatMap((r) => (r.cloudTrail ? [[r.id, r.cloudTrail, r] as const] : []));

describe('Function: parseCloudTrailEvent', () => {
  it.each(CASES)('reads %s: the resource, the call and who made it', (file, trigger, resourceId) => {
    // Prepare
    const event = load(file);
    const detail = event.detail as { eventName: string; eventTime: string; eventID: string };

    // Act
    const parsed = parseCloudTrailEvent(event, trigger);

    // Assess
    expect(parsed).toMatchObject({
      trigger: 'cloudtrail',
      detailType: 'AWS API Call via CloudTrail',
      complianceType: 'NON_COMPLIANT',
      resourceType: trigger.resourceType,
      resourceId,
      rule: `cloudtrail:${detail.eventName}`,
      evaluationTime: `${detail.eventTime}#${detail.eventID}`,
      account: event.account,
      region: event.region,
    });
    expect(validateResourceId(parsed.resourceType, parsed.resourceId)).toBeUndefined();
    expect(parsed.apiCall).toMatchObject({ eventName: detail.eventName, eventId: detail.eventID });
    expect(parsed.apiCall?.resourceIds).toEqual([resourceId]);
  });

  it('has a fixture for every call each trigger lists, and uses every fixture', () => {
    // Prepare
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'cloudtrail');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    const negative = ['ec2__CreateRoute__unknown-table.json', 'ec2__CreateTransitGateway__tgw-guide.json'];

    // Act
    const covered = new Set(CASES.map(([file, t]) => `${t.eventSource} ${load(file).detail.eventName}`));
    const listed = TRIGGERS.flatMap(([, t]) => t.eventNames.map((n) => `${t.eventSource} ${n}`));

    // Assess
    expect(listed.filter((call) => !covered.has(call))).toEqual([]);
    expect(files.filter((f) => !negative.includes(f) && !CASES.some(([c]) => c === f))).toEqual([]);
  });

  it('keeps who called, from where and with what', () => {
    // Act
    const panther = parseCloudTrailEvent(
      load('s3__PutBucketPublicAccessBlock__panther.json'),
      blockPublicS3CloudTrail,
    );
    const stratus = parseCloudTrailEvent(
      load('ec2__AuthorizeSecurityGroupIngress__stratus-red-team.json'),
      revokeOpenSshCloudTrail,
    );

    // Assess
    expect(panther.apiCall).toEqual({
      eventSource: 's3.amazonaws.com',
      eventName: 'PutBucketPublicAccessBlock',
      eventId: '43258a7e-eef1-44ef-9aff-1e5b4cfd825d',
      eventTime: '2019-08-01T04:41:47Z',
      principal: 'arn:aws:sts::111111111111:assumed-role/PantherDevAustinAdministrator/austin_byers',
      principalType: 'AssumedRole',
      principalAccount: '111111111111',
      issuer: 'arn:aws:iam::111111111111:role/PantherDevAustinAdministrator',
      issuerName: 'PantherDevAustinAdministrator',
      issuerAccount: '101802775469',
      sourceIp: '136.25.4.99',
      userAgent:
        '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.11.590 Linux/4.9.152-0.1.ac.221.79.329.metal1.x86_64 OpenJDK_64-Bit_Server_VM/25.212-b03 java/1.8.0_212 vendor/Oracle_Corporation]',
      resourceIds: ['austin-panther'],
    });
    expect(stratus.apiCall).toMatchObject({
      principal: 'arn:aws:iam::032092706103:user/christophe',
      principalType: 'IAMUser',
      sourceIp: '253.243.215.253',
    });
    expect(stratus.apiCall?.issuer).toBeUndefined();
  });

  it('keeps the error of a failed call', () => {
    const parsed = parseCloudTrailEvent(
      load('ec2__AuthorizeSecurityGroupIngress__failed.json'),
      revokeOpenSshCloudTrail,
    );
    expect(parsed.apiCall).toMatchObject({
      errorCode: 'Client.UnauthorizedOperation',
      errorMessage: 'You are not authorized to perform this operation.',
    });
  });

  it('finds the group in the response when the request names it by name only (default VPC)', () => {
    // Prepare
    const event = clone('ec2__AuthorizeSecurityGroupIngress.json');
    const params = event.detail.requestParameters as Record<string, unknown>;
    delete params.groupId;
    params.groupName = 'default';

    // Act
    const parsed = parseCloudTrailEvent(event, revokeOpenSshCloudTrail);

    // Assess
    expect(parsed.resourceId).toBe('sg-0123456789abcdef0');
  });

  it('gives every call its own idempotency key, and the same call the same key', () => {
    // Prepare
    const a = load('ec2__AuthorizeSecurityGroupIngress.json');
    const b = clone('ec2__AuthorizeSecurityGroupIngress.json');
    b.detail.eventID = '6c2d9f0e-1111-4a2b-9c3d-0000000000ff';

    // Act
    const keyA = idempotencyKey(parseCloudTrailEvent(a, revokeOpenSshCloudTrail));
    const keyA2 = idempotencyKey(parseCloudTrailEvent(structuredClone(a), revokeOpenSshCloudTrail));
    const keyB = idempotencyKey(parseCloudTrailEvent(b, revokeOpenSshCloudTrail));
    const keyConfig = idempotencyKey(
      parseEvent(
        complianceEvent({
          resourceType: 'AWS::EC2::SecurityGroup',
          resourceId: 'sg-0123456789abcdef0',
          rule: 'restricted-ssh',
        }),
      ),
    );

    // Assess
    expect(keyA).toBe(keyA2);
    expect(keyA).not.toBe(keyB);
    expect(keyA).toContain('6c2d9f0e-1111-4a2b-9c3d-000000000003');
    expect(new Set([keyA, keyB, keyConfig]).size).toBe(3);
  });

  describe('rejects, with a reason', () => {
    const rejects: [string, () => unknown, CloudTrailTrigger, RegExp][] = [
      [
        'a call the trigger does not list (the Transit Gateway Guide example)',
        () => load('ec2__CreateTransitGateway__tgw-guide.json'),
        removePodCidrTgwRoutesCloudTrail,
        /the call "ec2.amazonaws.com CreateTransitGateway" cannot make a AWS::EC2::TransitGatewayRouteTable non-compliant/,
      ],
      [
        'a call that names no route table',
        () => load('ec2__CreateRoute__unknown-table.json'),
        stripInternetRoutesCloudTrail,
        /the call CreateRoute names no AWS::EC2::RouteTable in its request or response: nothing to read/,
      ],
      [
        "another service's call",
        () => load('s3__PutBucketAcl.json'),
        revokeOpenSshCloudTrail,
        /cannot make a AWS::EC2::SecurityGroup non-compliant/,
      ],
      [
        'an envelope for another region',
        () => ({ ...load('ec2__CreateRoute.json'), region: 'eu-west-1' }),
        stripInternetRoutesCloudTrail,
        /inconsistent event: the call was made in eu-west-2, the envelope is for eu-west-1/,
      ],
      [
        'an envelope for another account',
        () => ({ ...load('ec2__CreateRoute.json'), account: '999999999999' }),
        stripInternetRoutesCloudTrail,
        /recorded for account 111122223333, the envelope is for 999999999999/,
      ],
      [
        'a source that disagrees with the call',
        () => ({ ...load('ec2__CreateRoute.json'), source: 'aws.s3' }),
        stripInternetRoutesCloudTrail,
        /source aws.s3 carries a call to "ec2.amazonaws.com"/,
      ],
      [
        'a source airlock does not handle',
        () => ({ ...load('ec2__CreateRoute.json'), source: 'aws.iam' }),
        stripInternetRoutesCloudTrail,
        /source "aws.iam" is not one of aws.ec2, aws.s3, aws.eks/,
      ],
      [
        'an event id that is not one',
        () => {
          const e = clone('ec2__CreateRoute.json');
          e.detail.eventID = '../../audit/x';
          return e;
        },
        stripInternetRoutesCloudTrail,
        /malformed CloudTrail event: detail.eventID: must be an event id/,
      ],
      [
        'a record that is not an API call',
        () => {
          const e = clone('ec2__CreateRoute.json');
          e.detail.eventType = 'AwsServiceEvent';
          return e;
        },
        stripInternetRoutesCloudTrail,
        /eventType "AwsServiceEvent" is not AwsApiCall/,
      ],
      [
        'a Config event',
        () =>
          complianceEvent({ resourceType: 'AWS::EC2::RouteTable', resourceId: 'rtb-0a1b2c3d', rule: 'x' }),
        stripInternetRoutesCloudTrail,
        /detail-type "Config Rules Compliance Change" is not "AWS API Call via CloudTrail"/,
      ],
    ];

    it.each(rejects)('%s', (_name, event, trigger, reason) => {
      expect(() => parseCloudTrailEvent(event(), trigger)).toThrow(EventRejectedError);
      expect(() => parseCloudTrailEvent(event(), trigger)).toThrow(reason);
    });
  });
});

describe('Function: parseEvent', () => {
  it('parses a Config compliance change as before', () => {
    const event = complianceEvent({
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0123456789abcdef0',
      rule: 'restricted-ssh',
    });
    expect(parseEvent(event, revokeOpenSshCloudTrail)).toMatchObject({
      trigger: 'config',
      rule: 'restricted-ssh',
    });
    expect(parseEvent(JSON.stringify(event))).toMatchObject({ trigger: 'config' });
  });

  it('parses a CloudTrail event, as a string too, when the remediation has a trigger', () => {
    const event = load('ec2__ModifySecurityGroupRules.json');
    expect(parseEvent(JSON.stringify(event), revokeOpenSshCloudTrail)).toMatchObject({
      trigger: 'cloudtrail',
      resourceId: 'sg-0123456789abcdef0',
    });
  });

  it('rejects a CloudTrail event for a remediation without a trigger', () => {
    expect(() => parseEvent(load('ec2__ModifySecurityGroupRules.json'))).toThrow(
      /"AWS API Call via CloudTrail" events are not handled by this remediation: it has no CloudTrail trigger/,
    );
  });
});

describe('Function: stringsAt', () => {
  it('walks objects and the arrays met on the way, and keeps strings only', () => {
    // Prepare
    const root = {
      a: { items: [{ id: 'x' }, { id: 7 }, { id: 'y' }, { other: 'z' }] },
      b: { item: { id: 'single' } },
      c: ['p', 'q'],
    };

    // Act / Assess
    expect(stringsAt(root, ['a', 'items', 'id'])).toEqual(['x', 'y']);
    expect(stringsAt(root, ['b', 'item', 'id'])).toEqual(['single']);
    expect(stringsAt(root, ['c'])).toEqual(['p', 'q']);
    expect(stringsAt(root, ['missing', 'id'])).toEqual([]);
    expect(stringsAt(null, ['a'])).toEqual([]);
    expect(stringsAt('text', ['length'])).toEqual([]);
  });

  it('does not read inherited members', () => {
    expect(stringsAt({}, ['constructor', 'name'])).toEqual([]);
    expect(stringsAt(JSON.parse('{"__proto__": {"x": "polluted"}}'), ['__proto__', 'x'])).toEqual([
      'polluted',
    ]);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('returns at most 50 strings, and idsAt deduplicates in order', () => {
    const many = { items: Array.from({ length: 500 }, (_, i) => ({ id: `sg-${i}` })) };
    expect(stringsAt(many, ['items', 'id'])).toHaveLength(50);
    expect(idsAt({ a: 'x', b: 'y', c: 'x' }, [['a'], ['b'], ['c']])).toEqual(['x', 'y']);
  });
});

describe('Function: isOwnPrincipal', () => {
  const call = (over: Partial<ApiCall> = {}): ApiCall => ({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'AuthorizeSecurityGroupIngress',
    eventId: 'e',
    eventTime: 't',
    principal: 'arn:aws:sts::111122223333:assumed-role/airlock-revoke-open-ssh/session',
    principalType: 'AssumedRole',
    issuer: 'arn:aws:iam::111122223333:role/airlock-revoke-open-ssh',
    issuerName: 'airlock-revoke-open-ssh',
    issuerAccount: '111122223333',
    resourceIds: [],
    ...over,
  });

  it.each([
    [
      'the role ARN (the session issuer)',
      ['arn:aws:iam::111122223333:role/airlock-revoke-open-ssh'],
      call(),
      true,
    ],
    ['another role ARN', ['arn:aws:iam::111122223333:role/other'], call(), false],
    [
      'the same role ARN of another account',
      ['arn:aws:iam::444455556666:role/airlock-revoke-open-ssh'],
      call(),
      false,
    ],
    ['nothing configured', [], call(), false],
  ])('matches %s: %s', (_name, own, c, expected) => {
    expect(isOwnPrincipal(c, own, '111122223333')).toBe(expected);
  });

  const member = { name: 'airlock-member', homeAccount: '111122223333' };
  const memberCall = (account: string, name = 'airlock-member') =>
    call({ issuer: `arn:aws:iam::${account}:role/${name}`, issuerName: name, issuerAccount: account });
  it.each([
    ['the member role in the account of the call', memberCall('444455556666'), '444455556666', true],
    ['the member role of another account', memberCall('555566667777'), '444455556666', false],
    [
      'a role named like the member role in the home account',
      memberCall('111122223333'),
      '111122223333',
      false,
    ],
    ['a role of another name', memberCall('444455556666', 'airlock-member2'), '444455556666', false],
    [
      'a user named like the member role',
      call({ issuer: 'arn:aws:iam::444455556666:user/airlock-member' }),
      '444455556666',
      false,
    ],
  ])('matches the member role by ARN: %s', (_name, c, account, expected) => {
    expect(isOwnPrincipal(c, [], account, member)).toBe(expected);
  });
});

describe('Function: settings ownPrincipals', () => {
  it('reads AIRLOCK_OWN_PRINCIPALS as a comma list of role ARNs', () => {
    const settings = parseSettings(
      settingsFromEnv({
        AIRLOCK_OWN_PRINCIPALS:
          'arn:aws:iam::111122223333:role/airlock-revoke-open-ssh, arn:aws:iam::111122223333:role/airlock-block-public-s3',
      }),
    );
    expect(settings.ownPrincipals).toEqual([
      'arn:aws:iam::111122223333:role/airlock-revoke-open-ssh',
      'arn:aws:iam::111122223333:role/airlock-block-public-s3',
    ]);
    expect(parseSettings({}).ownPrincipals).toEqual([]);
  });

  it.each([
    ['*'],
    ['arn:aws:iam::*:role/x'],
    ['role name with spaces'],
    ['a'.repeat(65)],
    ['airlock-revoke-open-ssh'],
    ['arn:aws:sts::111122223333:assumed-role/airlock-revoke-open-ssh/session'],
    ['arn:aws:iam::111122223333:user/airlock-revoke-open-ssh'],
  ])('rejects %s, naming the setting', (entry) => {
    expect(() => parseSettings({ ownPrincipals: [entry] })).toThrow(
      /ownPrincipals\.0: must be the full ARN of a role airlock deployed/,
    );
  });
});

describe('Function: CloudTrail triggers', () => {
  it.each(TRIGGERS)(
    '%s: names the resource type of its remediation and lists its calls once',
    (_id, trigger, remediation) => {
      expect(trigger.resourceType).toBe(remediation.resourceType);
      expect(trigger.eventNames.length).toBeGreaterThan(0);
      expect(new Set(trigger.eventNames).size).toBe(trigger.eventNames.length);
    },
  );

  it.each(CASES)('%s matches the EventBridge pattern of its trigger, and of no other', (file, trigger) => {
    // Prepare
    const event = load(file);

    // Act
    const matching = TRIGGERS.filter(([, t]) => matchesPattern(cloudTrailEventPattern(t), event)).map(
      ([, t]) => t,
    );

    // Assess
    expect(matching).toEqual([trigger]);
    expect(TRIGGERS.filter(([, t]) => matchesCloudTrailTrigger(t, event)).map(([, t]) => t)).toEqual([
      trigger,
    ]);
  });

  it('matches the pattern of no trigger for a call none lists, or a Config event', () => {
    const others = [
      load('ec2__CreateTransitGateway__tgw-guide.json'),
      complianceEvent({
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: 'sg-0123abcd',
        rule: 'restricted-ssh',
      }),
    ];
    for (const event of others) {
      expect(TRIGGERS.some(([, t]) => matchesPattern(cloudTrailEventPattern(t), event))).toBe(false);
      expect(TRIGGERS.some(([, t]) => matchesCloudTrailTrigger(t, event))).toBe(false);
    }
  });

  it('is set on revoke-open-ssh', () => {
    expect(revokeOpenSsh.cloudTrail).toBe(revokeOpenSshCloudTrail);
  });
});

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from '../../infra/event-pattern.js';
import { MemberStack } from '../../infra/member-stack.js';
import { loadFixture } from '../helpers/fixtures.js';
import { EXAMPLE_ORGANIZATION, type Synthesized, synthesize } from '../helpers/synth-fixture.js';

type Event = { source: string; detail: Record<string, unknown> & { eventName: string; eventSource: string } };

const FOLDER = join(import.meta.dirname, '..', 'fixtures', 'cloudtrail');
const load = (file: string) => loadFixture<Event>(`cloudtrail/${file}`);
const FILES = readdirSync(FOLDER).filter((f) => f.endsWith('.json'));
const FAILED = 'ec2__AuthorizeSecurityGroupIngress__failed.json';
const OWN = 'ec2__AuthorizeSecurityGroupIngress__airlock-own-role.json';

let s: Synthesized;
let org: Synthesized;

/** The resolved pattern of a rule construct. */
const patternOf = (stack: Synthesized['stack'], rule: { node: { defaultChild?: unknown } }) =>
  stack.resolve((rule.node.defaultChild as { eventPattern: unknown }).eventPattern);

beforeAll(async () => {
  s = await synthesize();
  org = await synthesize({ context: EXAMPLE_ORGANIZATION });
}, 240_000);

describe('Function: AirlockStack (CloudTrail fast path patterns)', () => {
  it("matches every recorded call of a remediation's triggers, and no other", () => {
    for (const [id, rule] of s.stack.apiCallRules) {
      // Prepare
      const trigger = s.registries.remediations.find((r) => r.id === id)!.cloudTrail!;
      const pattern = patternOf(s.stack, rule);
      const normal = FILES.filter((f) => f !== FAILED && f !== OWN);

      // Act
      const matched = normal.filter((f) => matchesPattern(pattern, load(f)));

      // Assess
      const expected = normal.filter((f) => {
        const e = load(f);
        return (
          e.detail.eventSource === trigger.eventSource && trigger.eventNames.includes(e.detail.eventName)
        );
      });
      expect({ id, matched: matched.sort() }).toEqual({ id, matched: expected.sort() });
    }
    expect(s.stack.apiCallRules.has('revoke-open-ssh')).toBe(true);
  });

  it('never invokes a function for a call that failed, nor for a call airlock made itself', () => {
    // Prepare
    const pattern = patternOf(s.stack, s.stack.apiCallRules.get('revoke-open-ssh')!);
    const failed = load(FAILED);
    const own = load(OWN);

    // Act & Assess
    expect(failed.detail.errorCode).toBeDefined();
    expect(matchesPattern(pattern, failed)).toBe(false);
    expect(matchesPattern(pattern, own)).toBe(false);
    // the same calls without the error, and by another principal, are delivered
    const { errorCode: _c, errorMessage: _m, ...succeeded } = failed.detail;
    expect(matchesPattern(pattern, { ...failed, detail: succeeded })).toBe(true);
  });

  it('excludes airlock by its role ARNs in this account: a look-alike role elsewhere, an IAM user and root still match', () => {
    // Prepare
    const pattern = patternOf(s.stack, s.stack.apiCallRules.get('revoke-open-ssh')!);
    const own = load(OWN);
    const issuer = (arn: string) => ({
      ...own,
      detail: {
        ...own.detail,
        userIdentity: { type: 'AssumedRole', sessionContext: { sessionIssuer: { type: 'Role', arn } } },
      },
    });
    const user = { ...own, detail: { ...own.detail, userIdentity: { type: 'IAMUser', userName: 'alice' } } };
    const root = { ...own, detail: { ...own.detail, userIdentity: { type: 'Root' } } };

    // Act & Assess
    expect(matchesPattern(pattern, issuer('arn:aws:iam::444455556666:role/airlock-revoke-open-ssh'))).toBe(
      true,
    );
    expect(matchesPattern(pattern, issuer('arn:aws:iam::111122223333:role/airlock-revoke-open-ssh-x'))).toBe(
      true,
    );
    expect(matchesPattern(pattern, user)).toBe(true);
    expect(matchesPattern(pattern, root)).toBe(true);
    for (const fn of [
      ...s.stack.remediationFunctions.values(),
      ...s.stack.evaluatorFunctions.values(),
      s.stack.sweep,
    ]) {
      const arn = `arn:aws:iam::111122223333:role/${fn.functionName}`;
      expect({ arn, matched: matchesPattern(pattern, issuer(arn)) }).toEqual({ arn, matched: false });
    }
  });

  it('puts the same patterns on the central bus, and the member stacks forward neither failed nor own calls', () => {
    // Prepare
    const member = Template.fromStack(new MemberStack(new App(), 'AirlockMember', org.stack.memberProps!));
    const rules = Object.values(member.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r.Properties.EventPattern).includes('AWS API Call via CloudTrail'),
    );
    // the pseudo parameters as CloudFormation fills them in member account 444455556666
    const inMember = (value: unknown) =>
      JSON.parse(
        JSON.stringify(value).replace(
          /\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":iam::",\{"Ref":"AWS::AccountId"\},":role\/([^"]+)"\]\]\}/g,
          '"arn:aws:iam::444455556666:role/$1"',
        ),
      );
    const own = load(OWN);
    const byMemberRole = {
      ...own,
      account: '444455556666',
      detail: {
        ...own.detail,
        userIdentity: {
          sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::444455556666:role/airlock-member' } },
        },
      },
    };
    const normal = load('ec2__AuthorizeSecurityGroupIngress.json');

    // Act
    const forwards = (event: unknown) =>
      rules.some((r) => matchesPattern(inMember(r.Properties.EventPattern), event));

    // Assess
    for (const [id, rule] of org.stack.busApiCallRules) {
      expect(patternOf(org.stack, rule)).toEqual(patternOf(org.stack, org.stack.apiCallRules.get(id)!));
    }
    expect(rules.length).toBeGreaterThan(0);
    expect(forwards(normal)).toBe(true);
    expect(forwards(load(FAILED))).toBe(false);
    expect(forwards(byMemberRole)).toBe(false);
  });
});

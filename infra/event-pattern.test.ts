import { describe, expect, it } from 'vitest';
import { listRealWorld, loadRealWorld } from '../test/helpers/fixtures.js';
import { matchesPattern, PatternError } from './event-pattern.js';

const FOLDER = 'events/config-rules-compliance-change';
const vpcFlowLogs = loadRealWorld<Record<string, unknown>>(
  `${FOLDER}/ec2-vpc__securityhub-vpc-flow-logs-enabled__NON_COMPLIANT__no-oldEvaluationResult.json`,
);

describe('Function: matchesPattern', () => {
  it('matches a real event on source, detail-type and nested detail fields', () => {
    // Prepare
    const pattern = {
      source: ['aws.config'],
      'detail-type': ['Config Rules Compliance Change'],
      detail: { resourceType: ['AWS::EC2::VPC'], newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
    };

    // Act
    const matched = matchesPattern(pattern, vpcFlowLogs);

    // Assess
    expect(matched).toBe(true);
  });

  it('does not match when one field of the pattern differs', () => {
    // Prepare
    const pattern = {
      source: ['aws.config'],
      detail: { resourceType: ['AWS::EC2::SecurityGroup'] },
    };

    // Act
    const matched = matchesPattern(pattern, vpcFlowLogs);

    // Assess
    expect(matched).toBe(false);
  });

  it('does not match when the event lacks a field the pattern names', () => {
    // Prepare
    const pattern = { detail: { oldEvaluationResult: { complianceType: ['COMPLIANT'] } } };

    // Act
    const matched = matchesPattern(pattern, vpcFlowLogs);

    // Assess
    expect(matched).toBe(false);
  });

  it('matches a scalar against any value of the list and an array field by any element', () => {
    // Prepare
    const event = { a: 'x', tags: ['one', 'two'], n: 5 };

    // Act
    const results = [
      matchesPattern({ a: ['y', 'x'] }, event),
      matchesPattern({ tags: ['two'] }, event),
      matchesPattern({ tags: ['three'] }, event),
      matchesPattern({ n: [5] }, event),
      matchesPattern({ n: ['5'] }, event),
    ];

    // Assess
    expect(results).toEqual([true, true, false, true, false]);
  });

  it('applies prefix, suffix, anything-but and exists', () => {
    // Prepare
    const event = { rule: 'airlock-restricted-ssh', kind: 'NON_COMPLIANT' };

    // Act
    const results = [
      matchesPattern({ rule: [{ prefix: 'airlock-' }] }, event),
      matchesPattern({ rule: [{ prefix: 'restricted' }] }, event),
      matchesPattern({ rule: [{ suffix: '-ssh' }] }, event),
      matchesPattern({ kind: [{ 'anything-but': ['COMPLIANT'] }] }, event),
      matchesPattern({ kind: [{ 'anything-but': 'NON_COMPLIANT' }] }, event),
      matchesPattern({ missing: [{ exists: false }] }, event),
      matchesPattern({ missing: [{ exists: true }] }, event),
      matchesPattern({ rule: [{ exists: true }] }, event),
    ];

    // Assess
    expect(results).toEqual([true, false, true, true, false, true, false, true]);
  });

  it('never matches a field with anything-but when the field is absent', () => {
    // Act
    const matched = matchesPattern({ kind: [{ 'anything-but': ['COMPLIANT'] }] }, {});

    // Assess
    expect(matched).toBe(false);
  });

  it('treats every field under an absent object as absent, as EventBridge matches flattened paths', () => {
    // Prepare
    const pattern = { who: { session: { issuer: [{ 'anything-but': ['airlock'] }, { exists: false }] } } };

    // Act
    const results = [
      matchesPattern(pattern, {}),
      matchesPattern(pattern, { who: {} }),
      matchesPattern(pattern, { who: { session: { issuer: 'alice' } } }),
      matchesPattern(pattern, { who: { session: { issuer: 'airlock' } } }),
      matchesPattern({ who: { session: { issuer: ['airlock'] } } }, { who: 'x' }),
    ];

    // Assess
    expect(results).toEqual([true, true, true, false, false]);
  });

  it('does not match a pattern object against a scalar or a scalar list against an object', () => {
    // Act
    const results = [
      matchesPattern({ a: { b: ['x'] } }, { a: 'x' }),
      matchesPattern({ a: ['x'] }, { a: { b: 'x' } }),
    ];

    // Assess
    expect(results).toEqual([false, false]);
  });

  it('matches wildcards as EventBridge does: * is any run of characters, possibly none, the rest literal', () => {
    // Prepare
    const pattern = (wildcard: string) => ({ rule: [{ wildcard }] });
    const cases: [string, string, boolean][] = [
      ['OrgConfigRule-restricted-ssh-*', 'OrgConfigRule-restricted-ssh-a1b2c3d4', true],
      ['OrgConfigRule-restricted-ssh-*', 'OrgConfigRule-restricted-ssh-', true],
      ['OrgConfigRule-restricted-ssh-*', 'OrgConfigRule-restricted-ssh', false],
      ['*-conformance-pack-*', 'restricted-ssh-conformance-pack-qayjyopmd', true],
      ['team-*-ssh', 'team-ssh', false],
      ['team-*-ssh', 'team--ssh', true],
      ['a*b*a', 'aba', true],
      ['a*b*a', 'ab', false],
      ['a.b', 'axb', false],
    ];

    // Act
    const results = cases.map(([w, value]) => matchesPattern(pattern(w), { rule: value }));

    // Assess
    expect(results).toEqual(cases.map(([, , expected]) => expected));
    expect(() => matchesPattern(pattern('a**b'), { rule: 'ab' })).toThrow(PatternError);
  });

  it('throws on filters it does not implement instead of passing silently', () => {
    // Act & Assess
    expect(() => matchesPattern({ n: [{ numeric: ['>', 1] }] }, { n: 2 })).toThrow(PatternError);
    expect(() => matchesPattern({ n: 'x' }, { n: 'x' })).toThrow(PatternError);
    expect(() => matchesPattern({ n: [] }, { n: 'x' })).toThrow(PatternError);
  });

  it('rejects every real compliance-change fixture for a rule of another resource type', () => {
    // Prepare
    const pattern = { source: ['aws.config'], detail: { resourceType: ['AWS::EC2::SecurityGroup'] } };

    // Act
    const matched = listRealWorld(FOLDER).filter((f) =>
      matchesPattern(pattern, loadRealWorld(`${FOLDER}/${f}`)),
    );

    // Assess
    expect(listRealWorld(FOLDER).length).toBeGreaterThan(3);
    expect(matched).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { validateResourceId } from './resource-id.js';
import { checkResourceId, defineResourceKind, findResourceKind, type ResourceKind } from './resource-kind.js';

const NAT: ResourceKind = {
  type: 'Test::EC2::NatGateway',
  pattern: '^nat-([0-9a-f]{8}|[0-9a-f]{17})$',
  words: 'a NAT gateway id (nat- and 8 or 17 hex digits)',
  example: 'nat-0123456789abcdef0',
};

describe('Function: defineResourceKind', () => {
  it('makes the kind known to the validator, and defining the same kind again changes nothing', () => {
    // Act
    const kind = defineResourceKind(NAT);
    defineResourceKind(NAT);

    // Assess
    expect(findResourceKind(NAT.type)).toBe(kind);
    expect(validateResourceId(NAT.type, 'nat-0123456789abcdef0')).toBeUndefined();
    expect(validateResourceId(NAT.type, 'nat-0123456789abcdef0"}')).toBe(
      'is not a NAT gateway id (nat- and 8 or 17 hex digits)',
    );
  });

  it('refuses a second, different definition of a type, an unanchored pattern and an invalid example', () => {
    // Prepare
    defineResourceKind(NAT);

    // Act & Assess
    expect(() => defineResourceKind({ ...NAT, pattern: '^nat-[0-9a-f]+$' })).toThrow(/defined twice/);
    expect(() => defineResourceKind({ ...NAT, type: 'Test::A', pattern: 'nat-[0-9a-f]+' })).toThrow(
      /anchored/,
    );
    expect(() => defineResourceKind({ ...NAT, type: 'Test::B', example: 'nat-123' })).toThrow(/example/);
    expect(findResourceKind('Test::A')).toBeUndefined();
    expect(findResourceKind('Test::B')).toBeUndefined();
  });
});

describe('Function: checkResourceId', () => {
  it("says the pattern's words when the pattern refuses, and the kind's own rule when it speaks", () => {
    // Prepare
    const kind: ResourceKind = {
      ...NAT,
      type: 'Test::C',
      check: (id) => (id.endsWith('00000000') ? 'is not a NAT gateway id (reserved)' : undefined),
    };

    // Act & Assess
    expect(checkResourceId(kind, '../nat')).toBe('is not a NAT gateway id (nat- and 8 or 17 hex digits)');
    expect(checkResourceId(kind, 'nat-00000000')).toBe('is not a NAT gateway id (reserved)');
    expect(checkResourceId(kind, 'nat-0123456789abcdef0')).toBeUndefined();
  });
});

describe('Function: validateResourceId', () => {
  it('refuses a resource type no loaded remediation defines', () => {
    // Act & Assess
    expect(validateResourceId('AWS::IAM::User', 'AIDAEXAMPLE')).toBe(
      'resource type AWS::IAM::User is not one airlock remediates',
    );
  });
});

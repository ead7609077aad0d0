import { describe, expect, it } from 'vitest';
import { CONTEXT_DEFAULTS, readContext } from './context.js';

const from = (values: Record<string, unknown>) => (key: string) => values[key];

describe('Function: readContext', () => {
  it('gives every key a default so that synth works offline with no context', () => {
    // Act
    const c = readContext(from({}), {});

    // Assess
    expect(c).toMatchObject({
      account: CONTEXT_DEFAULTS.account,
      region: CONTEXT_DEFAULTS.region,
      partition: 'aws',
      mode: 'dry-run',
      createVpcEndpoints: true,
      automaticRemediation: false,
      allowedAccounts: [CONTEXT_DEFAULTS.account],
      allowedRegions: [CONTEXT_DEFAULTS.region],
      availabilityZones: ['eu-west-2a', 'eu-west-2b'],
    });
    expect(c.privateSubnetIds).toHaveLength(2);
    expect(c.privateRouteTableIds).toHaveLength(2);
  });

  it('reads command-line strings: JSON lists, comma lists, booleans, numbers, objects', () => {
    // Act
    const c = readContext(
      from({
        account: '222233334444',
        region: 'us-gov-west-1',
        privateSubnetIds: '["subnet-aaaaaaaa","subnet-bbbbbbbb"]',
        privateRouteTableIds: 'rtb-aaaaaaaa, rtb-bbbbbbbb',
        availabilityZones: 'us-gov-west-1a,us-gov-west-1b',
        createVpcEndpoints: 'false',
        mode: 'enforce',
        auditRetentionDays: '3650',
        logRetentionDays: '731',
        remediations: '{"revoke-open-ssh":{"mode":"dry-run"}}',
      }),
      {},
    );

    // Assess
    expect(c).toMatchObject({
      account: '222233334444',
      partition: 'aws-us-gov',
      privateSubnetIds: ['subnet-aaaaaaaa', 'subnet-bbbbbbbb'],
      privateRouteTableIds: ['rtb-aaaaaaaa', 'rtb-bbbbbbbb'],
      createVpcEndpoints: false,
      mode: 'enforce',
      auditRetentionDays: 3650,
      logRetentionDays: 731,
      remediations: { 'revoke-open-ssh': { mode: 'dry-run' } },
    });
  });

  it('names the key when a value is malformed', () => {
    // Act & Assess
    expect(() => readContext(from({ mode: 'on' }), {})).toThrow(/mode/);
    expect(() => readContext(from({ account: '12' }), {})).toThrow(/account/);
    expect(() => readContext(from({ createVpcEndpoints: 'yes' }), {})).toThrow(/createVpcEndpoints/);
    expect(() => readContext(from({ logRetentionDays: '100' }), {})).toThrow(/logRetentionDays/);
    expect(() => readContext(from({ auditRetentionDays: '0' }), {})).toThrow(/auditRetentionDays/);
    expect(() => readContext(from({ privateSubnetIds: 'subnet-a,subnet-b,subnet-c' }), {})).toThrow(
      /privateSubnetIds/,
    );
    expect(() => readContext(from({ remediations: '[]' }), {})).toThrow(/remediations/);
  });
});

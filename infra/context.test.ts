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

describe('Function: readContext (organization)', () => {
  const org = {
    organizationId: 'o-a1b2c3d4e5',
    externalId: 'airlock-o-a1b2c3d4e5',
    memberOrganizationalUnitIds: 'ou-ab12-cdef3456',
    memberRegions: 'eu-central-1,eu-west-2',
  };

  it('leaves the organization mode off without organizationId', () => {
    // Act
    const c = readContext(from({}), {});

    // Assess
    expect(c.organization).toBeUndefined();
  });

  it('reads the organization keys, with the member role in the central region and any org account allowed', () => {
    // Act
    const c = readContext(from(org), {});

    // Assess
    expect(c.organization).toEqual({
      organizationId: 'o-a1b2c3d4e5',
      externalId: 'airlock-o-a1b2c3d4e5',
      memberRoleName: 'airlock-member',
      memberOrganizationalUnitIds: ['ou-ab12-cdef3456'],
      memberRegions: ['eu-central-1', 'eu-west-2'],
      memberRoleRegion: 'eu-west-2',
      busName: 'airlock',
      stackSetCallAs: 'DELEGATED_ADMIN',
    });
    expect(c.allowedAccounts).toEqual(['*']);
    expect(c.allowedRegions).toEqual(['eu-west-2', 'eu-central-1']);
  });

  it('refuses an organization without external id or OUs, or with a malformed id', () => {
    // Act & Assess
    expect(() => readContext(from({ ...org, externalId: undefined }), {})).toThrow(/externalId/);
    expect(() => readContext(from({ ...org, memberOrganizationalUnitIds: undefined }), {})).toThrow(
      /memberOrganizationalUnitIds/,
    );
    expect(() => readContext(from({ ...org, organizationId: 'org-1' }), {})).toThrow(/organizationId/);
  });
});

import { describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import { stripInternetRoutes } from '../functions/strip-internet-routes/index.js';
import { SettingsError } from './errors.js';
import { matchesRuleName, ruleNamesOf, wildcardRegExp } from './rule-names.js';
import { ruleSourceAccepted } from './rule-sources.js';

const SCOPE = { partition: 'aws', region: 'eu-central-1', evaluatorAccount: '111122223333' };

describe('Function: ruleNamesOf', () => {
  it('accepts the plain names and the organization, conformance-pack and Security Hub forms of a managed rule', () => {
    // Prepare
    const names = ruleNamesOf(revokeOpenSsh);

    // Act
    const origins = [
      'restricted-ssh',
      'airlock-restricted-ssh',
      'OrgConfigRule-restricted-ssh-a1b2c3d4',
      'restricted-ssh-conformance-pack-qayjyopmd',
      'securityhub-restricted-ssh-l6dseq',
      'OrgConfigRule-airlock-restricted-ssh-a1b2c3d4',
    ].map((name) => names.match(name)?.origin);

    // Assess
    expect(origins).toEqual([
      'declared',
      'declared',
      'organization',
      'conformance-pack',
      'security-hub',
      'organization',
    ]);
  });

  it.each([
    'restricted-ssh-v2-custom',
    'OrgConfigRule-s3-bucket-public-read-prohibited-a1b2c3d4',
    'restricted-ssh-v2-custom-conformance-pack-x',
    'securityhub-airlock-restricted-ssh-l6dseq',
    'my-restricted-ssh',
    'OrgConfigRule-restricted-ssh',
    'RESTRICTED-SSH',
  ])('does not accept %s for revoke-open-ssh', (name) => {
    expect(ruleNamesOf(revokeOpenSsh).match(name)).toBeUndefined();
  });

  it('gives a custom rule the organization and conformance-pack forms, no Security Hub form', () => {
    // Prepare
    const names = ruleNamesOf(stripInternetRoutes);

    // Act
    const filters = names.filters;

    // Assess
    expect(filters).toEqual([
      'airlock-private-route-tables-no-internet-route',
      { prefix: 'OrgConfigRule-airlock-private-route-tables-no-internet-route-' },
      { prefix: 'airlock-private-route-tables-no-internet-route-conformance-pack-' },
    ]);
  });

  it('writes a trailing * as a prefix and any other * as a wildcard, both declared', () => {
    // Prepare
    const names = ruleNamesOf(revokeOpenSsh, ['org-ssh-*', 'team-*-ssh']);

    // Act
    const matched = ['org-ssh-prod', 'team-payments-ssh', 'team-ssh', 'org-ssh'].map(
      (n) => names.match(n)?.base,
    );

    // Assess
    expect(names.filters).toEqual([{ prefix: 'org-ssh-' }, { wildcard: 'team-*-ssh' }]);
    expect(matched).toEqual(['org-ssh-*', 'team-*-ssh', undefined, undefined]);
  });

  it.each(['restricted ssh', 'a/b', '', 'x**', 'é'])('refuses the declared name %j', (name) => {
    expect(() => ruleNamesOf(revokeOpenSsh, [name])).toThrow(SettingsError);
  });
});

describe('Function: matchesRuleName', () => {
  it('treats the characters of a regular expression literally in a wildcard', () => {
    expect(matchesRuleName({ wildcard: 'a.b*' }, 'a.bc')).toBe(true);
    expect(matchesRuleName({ wildcard: 'a.b*' }, 'axbc')).toBe(false);
    expect(wildcardRegExp('*').test('anything')).toBe(true);
  });
});

describe('Function: ruleSourceAccepted', () => {
  it('accepts the managed rule the remediation declares', () => {
    const source = { owner: 'AWS', sourceIdentifier: 'INCOMING_SSH_DISABLED' };
    expect(ruleSourceAccepted(revokeOpenSsh, source, SCOPE)).toBeUndefined();
  });

  it('refuses another managed rule, naming both', () => {
    const source = { owner: 'AWS', sourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' };
    // the remediation's own sources: the managed rule, and its custom rule's evaluator in the scope's region
    expect(ruleSourceAccepted(revokeOpenSsh, source, SCOPE)).toBe(
      'its source is AWS S3_BUCKET_PUBLIC_READ_PROHIBITED, not INCOMING_SSH_DISABLED or arn:aws:lambda:eu-central-1:111122223333:function:airlock-evaluate-security-groups',
    );
  });

  it("accepts a custom rule evaluated by the remediation's evaluator in the evaluator account, and no other function", () => {
    // Prepare
    const ours = 'arn:aws:lambda:eu-central-1:111122223333:function:airlock-evaluate-route-tables';
    const theirs = 'arn:aws:lambda:eu-central-1:444455556666:function:airlock-evaluate-route-tables';

    // Act
    const accepted = [ours, `${ours}:live`, theirs, `${ours}-v2`].map((id) =>
      ruleSourceAccepted(stripInternetRoutes, { owner: 'CUSTOM_LAMBDA', sourceIdentifier: id }, SCOPE),
    );

    // Assess
    expect(accepted.slice(0, 2)).toEqual([undefined, undefined]);
    expect(accepted.slice(2)).toEqual([expect.stringContaining(theirs), expect.stringContaining('-v2')]);
  });
});

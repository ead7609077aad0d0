import { describe, expect, it } from 'vitest';
import { REMEDIATIONS } from '../functions/registry.js';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import { stripInternetRoutes } from '../functions/strip-internet-routes/index.js';
import type { AnyRemediation } from '../shared/remediation.js';
import {
  declaredResources,
  functionActions,
  isStarOnlyAction,
  resourcesFor,
  type Scope,
} from './permissions.js';

const SCOPE: Scope = { partition: 'aws-us-gov', account: '111122223333', region: 'us-gov-west-1' };

describe('Function: resourcesFor', () => {
  it('renders the ARNs a remediation declares in the partition, region and account of the deployment', () => {
    // Act & Assess
    expect(resourcesFor('ec2:DeleteRoute', SCOPE)).toEqual({
      resources: ['arn:aws-us-gov:ec2:us-gov-west-1:111122223333:route-table/*'],
    });
    expect(resourcesFor('ec2:GetManagedPrefixListEntries', SCOPE)).toEqual({
      resources: ['arn:aws-us-gov:ec2:us-gov-west-1:*:prefix-list/*'],
    });
    expect(resourcesFor('s3:PutBucketPublicAccessBlock', SCOPE)).toEqual({
      resources: ['arn:aws-us-gov:s3:::*'],
      condition: { StringEquals: { 's3:ResourceAccount': '111122223333' } },
    });
    expect(resourcesFor('ec2:DescribeRouteTables', SCOPE)).toEqual({ resources: ['*'] });
  });

  it("scopes the stack's own actions: Config reporting, the settings parameters", () => {
    // Act & Assess
    expect(resourcesFor('config:PutEvaluations', SCOPE)).toEqual({ resources: ['*'] });
    expect(resourcesFor('config:GetComplianceDetailsByConfigRule', SCOPE)).toEqual({
      resources: ['arn:aws-us-gov:config:us-gov-west-1:111122223333:config-rule/*'],
    });
    expect(resourcesFor('ssm:GetParameter', { ...SCOPE, parameters: ['arn:p'] })).toEqual({
      resources: ['arn:p'],
    });
  });

  it('refuses an action nobody declares, rather than granting it on "*"', () => {
    // Act & Assess
    expect(() => resourcesFor('ec2:TerminateInstances', SCOPE)).toThrow(
      /no resource scope known for ec2:TerminateInstances/,
    );
    expect(() => resourcesFor('ssm:GetParameter', SCOPE)).toThrow(/no resource scope known/);
  });
});

describe('Function: declaredResources', () => {
  it('refuses one action declared on other resources by two remediations', () => {
    // Prepare
    const other = {
      ...stripInternetRoutes,
      id: 'other',
      iam: {
        ...stripInternetRoutes.iam,
        resources: { ...stripInternetRoutes.iam.resources, 'ec2:DeleteRoute': '*' },
      },
    } as AnyRemediation;

    // Act & Assess
    expect(declaredResources(REMEDIATIONS).size).toBeGreaterThan(0);
    expect(() => declaredResources([stripInternetRoutes, other])).toThrow(
      /other: ec2:DeleteRoute is declared with other resources/,
    );
  });
});

describe('Function: isStarOnlyAction', () => {
  it('admits every EC2 Describe* and the few others AWS documents with "*" only, nothing else', () => {
    // Act & Assess
    expect(
      ['ec2:DescribeSecurityGroups', 'config:PutEvaluations', 'sts:GetCallerIdentity'].map(isStarOnlyAction),
    ).toEqual([true, true, true]);
    expect(
      ['ec2:DeleteRoute', 'ec2:Describe', 's3:PutBucketPublicAccessBlock', 'eks:DescribeCluster'].map(
        isStarOnlyAction,
      ),
    ).toEqual([false, false, false, false]);
  });
});

describe('Function: functionActions', () => {
  it('gives revoke-open-ssh AuthorizeSecurityGroupIngress with reauthorize-remainder only', () => {
    // Act
    const byDefault = functionActions(revokeOpenSsh, {});
    const revokeRule = functionActions(revokeOpenSsh, { portRangePolicy: 'revoke-rule' });
    const remainder = functionActions(revokeOpenSsh, { portRangePolicy: 'reauthorize-remainder' });

    // Assess
    const reads = [
      'ec2:DescribeSecurityGroupRules',
      'ec2:DescribeSecurityGroups',
      'ec2:GetManagedPrefixListEntries',
    ];
    expect(byDefault).toEqual([...reads, 'ec2:RevokeSecurityGroupIngress']);
    expect(revokeRule).toEqual(byDefault);
    expect(remainder).toEqual([
      ...reads,
      'ec2:RevokeSecurityGroupIngress',
      'ec2:AuthorizeSecurityGroupIngress',
    ]);
  });

  it('never gives a function an action only undo calls', () => {
    // Act & Assess
    expect(functionActions(stripInternetRoutes, undefined)).toEqual([
      'ec2:DescribeRouteTables',
      'ec2:DeleteRoute',
    ]);
    expect(stripInternetRoutes.undoPermissions).toEqual(['ec2:CreateRoute', 'ec2:AssociateRouteTable']);
    // DisassociateRouteTable only where a public tier is named: without one the plans never produce it
    expect(
      functionActions(stripInternetRoutes, {
        publicRouteTableIds: ['rtb-0123456789abcdef0'],
        publicSubnetIds: ['subnet-0123456789abcdef0'],
      }),
    ).toEqual(['ec2:DescribeRouteTables', 'ec2:DeleteRoute', 'ec2:DisassociateRouteTable']);
  });

  it('refuses settings the remediation does not accept, naming it', () => {
    // Act & Assess
    expect(() => functionActions(revokeOpenSsh, { portRangePolicy: 'open-all' })).toThrow(
      /revoke-open-ssh: its settings are invalid/,
    );
  });
});

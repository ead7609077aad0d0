import {
  type Cluster,
  DescribeClusterCommand,
  EKSClient,
  InvalidParameterException,
  ResourceInUseException,
  ResourceNotFoundException,
  type Update,
  UpdateClusterConfigCommand,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { createDeps } from '../../shared/deps.js';
import { RemediationFailedError } from '../../shared/errors.js';
import { runPipeline } from '../../shared/pipeline.js';
import { testContext } from '../../test/helpers/context.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { loadPlacebo, loadRealWorld } from '../../test/helpers/fixtures.js';
import { applyEksStep, isAlreadyAtDesiredConfiguration, summarizeUpdate } from './apply.js';
import { privatizeEksEndpoint } from './index.js';
import type { EksStep } from './plan.js';

const eks = mockClient(EKSClient);

const cluster = (file: string) => loadPlacebo<{ cluster: Cluster }>(`api/eks/${file}`).cluster;
/** pod2-9756: public from 0.0.0.0/0, private off, ACTIVE. */
const PUBLIC = cluster(
  'placebo__DescribeCluster__public-true-private-false-publicAccessCidrs-0.0.0.0-0.json',
);
/** devk8s before its update (public + private, ACTIVE) and right after it (UPDATING, flags unchanged). */
const DEVK8S_BEFORE = cluster(
  'placebo__DescribeCluster__public-true-private-true__no-publicAccessCidrs-key.json',
);
const DEVK8S_UPDATING = cluster('placebo__DescribeCluster__after-update__same-cluster.json');
const UPDATE = loadPlacebo<{ update: Update }>(
  'api/eks/placebo__UpdateClusterConfig__EndpointAccessUpdate__InProgress.json',
).update;
const privateOnly = (c: Cluster): Cluster => ({
  ...c,
  status: 'ACTIVE',
  resourcesVpcConfig: { ...c.resourcesVpcConfig, endpointPublicAccess: false, endpointPrivateAccess: true },
});
const PRIVATE_ONLY_INPUT = { endpointPublicAccess: false, endpointPrivateAccess: true };

const event = (name: string, rule = 'eks-endpoint-no-public-access') =>
  complianceEvent({ resourceType: 'AWS::EKS::Cluster', resourceId: name, rule });

function deps(records: AuditRecord[], mode: 'enforce' | 'dry-run' = 'enforce') {
  return createDeps('privatize-eks-endpoint', {
    env: {},
    settings: { mode, allowedAccounts: ['*'] },
    onRecord: (r) => records.push(r),
  });
}

beforeEach(() => {
  eks.reset();
});

describe('Function: privatizeEksEndpoint through runPipeline', () => {
  it('sends one UpdateClusterConfig that sets both flags, and records the update id and status', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .resolvesOnce({ cluster: PUBLIC })
      .resolves({ cluster: privateOnly(PUBLIC) });
    eks.on(UpdateClusterConfigCommand).resolves({ update: UPDATE });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event('pod2-9756'), privatizeEksEndpoint, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(eks.commandCalls(UpdateClusterConfigCommand).map((c) => c.args[0].input)).toEqual([
      { name: 'pod2-9756', resourcesVpcConfig: PRIVATE_ONLY_INPUT },
    ]);
    expect(eks.commandCalls(DescribeClusterCommand).map((c) => c.args[0].input)).toEqual([
      { name: 'pod2-9756' },
      { name: 'pod2-9756' },
    ]);
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      before: {
        name: 'pod2-9756',
        status: 'ACTIVE',
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
      },
      verification: { status: 'compliant' },
      steps: [
        {
          action: 'eks:UpdateClusterConfig',
          api: 'UpdateClusterConfig',
          before: {
            endpointPublicAccess: true,
            endpointPrivateAccess: false,
            publicAccessCidrs: ['0.0.0.0/0'],
          },
          undo: [
            {
              action: 'eks:UpdateClusterConfig',
              input: {
                name: 'pod2-9756',
                resourcesVpcConfig: {
                  endpointPublicAccess: true,
                  endpointPrivateAccess: false,
                  publicAccessCidrs: ['0.0.0.0/0'],
                },
              },
            },
          ],
          result: 'applied',
          output: {
            update: {
              id: 'adebf3ee-dc26-48d2-963c-8b755ad715dc',
              status: 'InProgress',
              type: 'EndpointAccessUpdate',
              params: [
                { type: 'EndpointPublicAccess', value: 'false' },
                { type: 'EndpointPrivateAccess', value: 'true' },
              ],
            },
          },
        },
      ],
    });
  });

  it('records APPLIED with verification pending while the cluster is UPDATING after the call', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .resolvesOnce({ cluster: DEVK8S_BEFORE })
      .resolves({ cluster: DEVK8S_UPDATING });
    eks.on(UpdateClusterConfigCommand).resolves({ update: UPDATE });
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event('devk8s'), privatizeEksEndpoint, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      verification: {
        status: 'pending',
        detail: 'cluster devk8s is UPDATING: its endpoint access can change only when it is ACTIVE',
      },
      steps: [{ result: 'applied', output: { update: { id: UPDATE.id, status: 'InProgress' } } }],
    });
    expect(records[0]?.reason).toMatch(/change in progress/);
  });

  it('records FAILED, retryable, when another update is in progress (ResourceInUseException)', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves({ cluster: PUBLIC });
    eks.on(UpdateClusterConfigCommand).rejects(
      new ResourceInUseException({
        $metadata: { httpStatusCode: 409 },
        message: 'Cluster has an update in progress',
        clusterName: 'pod2-9756',
      }),
    );
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event('pod2-9756'), privatizeEksEndpoint, deps(records));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RemediationFailedError);
    await expect(run).rejects.toMatchObject({ retryable: true });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      outcome: 'FAILED',
      error: { name: 'ResourceInUseException', retryable: true },
      steps: [
        { action: 'eks:UpdateClusterConfig', result: 'failed', error: { name: 'ResourceInUseException' } },
      ],
    });
    expect(records[0]?.reason).toMatch(/^cannot act now: ResourceInUseException/);
    // no verification read after a failed step
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it('counts "already at the desired configuration" as done', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .resolvesOnce({ cluster: PUBLIC })
      .resolves({ cluster: privateOnly(PUBLIC) });
    eks.on(UpdateClusterConfigCommand).rejects(
      new InvalidParameterException({
        $metadata: { httpStatusCode: 400 },
        message:
          'Cluster is already at the desired configuration with endpointPrivateAccess: true , endpointPublicAccess: false, and Public Endpoint Restrictions: [0.0.0.0/0]',
      }),
    );
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event('pod2-9756'), privatizeEksEndpoint, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]).toMatchObject({
      outcome: 'APPLIED',
      verification: { status: 'compliant' },
      steps: [{ result: 'already-done', error: { name: 'InvalidParameterException' } }],
    });
  });

  it('records FAILED for any other InvalidParameterException', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves({ cluster: PUBLIC });
    eks.on(UpdateClusterConfigCommand).rejects(
      new InvalidParameterException({
        $metadata: { httpStatusCode: 400 },
        message: 'Private and public endpoint access cannot both be disabled',
      }),
    );
    const records: AuditRecord[] = [];

    // Act
    const run = runPipeline(event('pod2-9756'), privatizeEksEndpoint, deps(records));

    // Assess
    await expect(run).rejects.toBeInstanceOf(RemediationFailedError);
    expect(records[0]).toMatchObject({ outcome: 'FAILED', steps: [{ result: 'failed' }] });
    expect(records[0]?.reason).toMatch(/^step eks:UpdateClusterConfig failed/);
  });

  it('records APPLIED when the endpoint answers UpdateClusterConfig without an update', async () => {
    // Prepare
    eks
      .on(DescribeClusterCommand)
      .resolvesOnce({ cluster: PUBLIC })
      .resolves({ cluster: privateOnly(PUBLIC) });
    eks.on(UpdateClusterConfigCommand).resolves({});
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event('pod2-9756'), privatizeEksEndpoint, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]).toMatchObject({
      verification: { status: 'compliant' },
      steps: [
        {
          result: 'applied',
          output: {
            update: null,
            note: 'UpdateClusterConfig returned no update: its id and status are unknown; the verification reads the cluster again',
          },
        },
      ],
    });
  });

  it('records NOOP and writes nothing when the cluster is gone (ResourceNotFoundException)', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).rejects(
      new ResourceNotFoundException({
        $metadata: { httpStatusCode: 404 },
        message: 'No cluster found for name: gone.',
      }),
    );
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event('gone'), privatizeEksEndpoint, deps(records));

    // Assess
    expect(result).toMatchObject({ outcome: 'NOOP', reason: 'the resource no longer exists' });
    expect(eks.commandCalls(UpdateClusterConfigCommand)).toHaveLength(0);
  });

  it('counts a cluster deleted between describe and update as done', async () => {
    // Prepare
    const notFound = new ResourceNotFoundException({
      $metadata: { httpStatusCode: 404 },
      message: 'No cluster found for name: pod2-9756.',
    });
    eks.on(DescribeClusterCommand).resolvesOnce({ cluster: PUBLIC }).rejects(notFound);
    eks.on(UpdateClusterConfigCommand).rejects(notFound);
    const records: AuditRecord[] = [];

    // Act
    const result = await runPipeline(event('pod2-9756'), privatizeEksEndpoint, deps(records));

    // Assess
    expect(result.outcome).toBe('APPLIED');
    expect(records[0]).toMatchObject({
      verification: { status: 'compliant', detail: 'the resource no longer exists' },
      steps: [{ result: 'already-done' }],
    });
  });

  it('records FAILED "cannot act now" without writing when the cluster is CREATING past the deferral bound, PLANNED in dry-run', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves({ cluster: { ...PUBLIC, status: 'CREATING' } });
    const enforced: AuditRecord[] = [];
    const dryRun: AuditRecord[] = [];

    // Act
    const run = runPipeline(event('pod2-9756'), privatizeEksEndpoint, deps(enforced));
    await expect(run).rejects.toMatchObject({ name: 'RemediationFailedError', retryable: true });
    const planned = await runPipeline(event('pod2-9756'), privatizeEksEndpoint, deps(dryRun, 'dry-run'));

    // Assess
    expect(enforced[0]).toMatchObject({
      outcome: 'FAILED',
      reason:
        'cannot act now: cluster pod2-9756 is CREATING: its endpoint access can change only when it is ACTIVE; deferred past 180 minutes since the evaluation',
    });
    expect(planned.outcome).toBe('PLANNED');
    expect(eks.commandCalls(UpdateClusterConfigCommand)).toHaveLength(0);
  });

  it('records NOOP for a private-only cluster reported by either rule name', async () => {
    // Prepare
    eks.on(DescribeClusterCommand).resolves({
      cluster: cluster('placebo__DescribeCluster__public-false-private-true__publicAccessCidrs-empty.json'),
    });
    const records: AuditRecord[] = [];

    // Act
    for (const rule of privatizeEksEndpoint.configRuleNames) {
      await runPipeline(event('c7n-test-eks-cluster', rule), privatizeEksEndpoint, deps(records));
    }

    // Assess
    expect(records.map((r) => r.outcome)).toEqual(['NOOP', 'NOOP']);
    expect(eks.commandCalls(UpdateClusterConfigCommand)).toHaveLength(0);
  });
});

describe('Function: applyEksStep', () => {
  const ctx = testContext('privatize-eks-endpoint');

  it('sends the undo step with the previous publicAccessCidrs', async () => {
    // Prepare
    eks.on(UpdateClusterConfigCommand).resolves({ update: UPDATE });
    const [undo] = privatizeEksEndpoint.undo({
      action: 'eks:UpdateClusterConfig',
      input: { name: 'pod2-9756', resourcesVpcConfig: PRIVATE_ONLY_INPUT },
      reason: 'test',
      before: {
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['203.0.113.0/24'],
      },
    });

    // Act
    await applyEksStep(undo!, ctx);

    // Assess
    expect(eks.commandCalls(UpdateClusterConfigCommand).map((c) => c.args[0].input)).toEqual([
      {
        name: 'pod2-9756',
        resourcesVpcConfig: {
          endpointPublicAccess: true,
          endpointPrivateAccess: false,
          publicAccessCidrs: ['203.0.113.0/24'],
        },
      },
    ]);
  });

  it('refuses a step it does not know, sending nothing', async () => {
    // Prepare
    const step = { action: 'eks:DeleteCluster', input: { name: 'x' }, reason: 'altered', before: {} };

    // Act
    const run = applyEksStep(step as unknown as EksStep, ctx);

    // Assess
    await expect(run).rejects.toThrow('privatize-eks-endpoint does not send "eks:DeleteCluster"');
    expect(eks.calls()).toHaveLength(0);
  });
});

describe('Function: summarizeUpdate', () => {
  it('keeps the id, status, type and params of the CLI-documented answer, with its epoch time', () => {
    // Prepare
    const { update } = loadRealWorld<{ update: Update & { createdAt: unknown } }>(
      'api/eks/awscli__UpdateClusterConfig__EndpointAccessUpdate__InProgress.json',
    );

    // Act
    const summary = summarizeUpdate(update);

    // Assess
    expect(summary).toEqual({
      update: {
        id: 'ec883c93-2e9e-407c-a22f-8f6fa6e67d4f',
        status: 'InProgress',
        type: 'EndpointAccessUpdate',
        params: [
          { type: 'EndpointPublicAccess', value: 'false' },
          { type: 'EndpointPrivateAccess', value: 'true' },
        ],
        createdAt: '1565806986.506',
      },
    });
  });

  it('keeps the errors an update reports', () => {
    expect(
      summarizeUpdate({
        id: 'u-1',
        status: 'Failed',
        errors: [{ errorCode: 'AccessDenied', errorMessage: 'no' }],
      }),
    ).toEqual({
      update: { id: 'u-1', status: 'Failed', errors: [{ errorCode: 'AccessDenied', errorMessage: 'no' }] },
    });
  });
});

describe('Function: isAlreadyAtDesiredConfiguration', () => {
  const invalid = (message: string) => new InvalidParameterException({ $metadata: {}, message });

  it.each([
    [
      'the EKS message',
      invalid('Cluster is already at the desired configuration with endpointPrivateAccess: true'),
      true,
    ],
    ['any letter case', invalid('CLUSTER IS ALREADY AT THE DESIRED CONFIGURATION'), true],
    [
      'another InvalidParameterException',
      invalid('Private and public endpoint access cannot both be disabled'),
      false,
    ],
    [
      'the message under another code',
      new ResourceInUseException({ $metadata: {}, message: 'already at the desired configuration' }),
      false,
    ],
    ['not an error', 'already at the desired configuration', false],
  ])('answers for %s', (_name, error, expected) => {
    expect(isAlreadyAtDesiredConfiguration(error)).toBe(expected);
  });
});

import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  NoSuchConfigRuleException,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import {
  type Cluster,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  EKSClient,
  InvalidParameterException,
  ListUpdatesCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type Update,
  UpdateClusterConfigCommand,
} from '@aws-sdk/client-eks';
import {
  GetParameterCommand,
  GetParametersCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { loadPlacebo, loadRealWorld } from '../../test/helpers/fixtures.js';
import { SimulatedCloud } from './cloud.js';
import type { SimStateInput } from './state.js';

const ACCOUNT = '644160558196';
const REGION = 'us-east-1';
const scope = { account: ACCOUNT, region: REGION };

const errorOf = (p: Promise<unknown>) =>
  p.then(() => undefined).catch((e) => e as Error & { $metadata: { httpStatusCode?: number } });

async function simWith(
  region: NonNullable<SimStateInput['accounts'][string]['regions']>[string],
  extra: Partial<SimStateInput> = {},
  clock = { now: 1_760_000_000_000 },
) {
  const sim = await SimulatedCloud.create(
    {
      ...extra,
      accounts: {
        [ACCOUNT]: { roles: ['airlock-remediation'], regions: { [REGION]: region } },
        ...(extra.accounts ?? {}),
      },
    },
    { dynamodb: false, now: () => clock.now },
  );
  return { sim, factory: sim.clientFactory({ maxAttempts: 1 }) };
}

describe('Function: simulated EKS', () => {
  const recorded = loadPlacebo<{ cluster: Cluster }>(
    'api/eks/placebo__DescribeCluster__public-true-private-false-publicAccessCidrs-0.0.0.0-0.json',
  ).cluster;
  const name = recorded.name!;

  it('describes the cluster it was seeded with', async () => {
    // Prepare
    const { sim, factory } = await simWith({ eksClusters: [recorded as never] });

    // Act
    const out = await factory.get(EKSClient, scope).send(new DescribeClusterCommand({ name }));
    const missing = await errorOf(
      factory.get(EKSClient, scope).send(new DescribeClusterCommand({ name: 'nope' })),
    );
    await sim.close();

    // Assess
    expect({ ...out.cluster, createdAt: out.cluster?.createdAt?.toISOString() }).toEqual({
      ...recorded,
      createdAt: new Date(recorded.createdAt as unknown as string).toISOString(),
    });
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  it('runs an endpoint update through UPDATING to ACTIVE with the new configuration', async () => {
    // Prepare
    const inProgress = loadRealWorld<{ update: Update }>(
      'api/eks/awscli__UpdateClusterConfig__EndpointAccessUpdate__InProgress.json',
    );
    const successful = loadRealWorld<{ update: Update }>(
      'api/eks/awscli__DescribeUpdate__EndpointAccessUpdate__Successful.json',
    );
    const clock = { now: 1_760_000_000_000 };
    const { sim, factory } = await simWith(
      { eksClusters: [recorded as never] },
      { settings: { eksUpdateDelayMs: 60_000 } },
      clock,
    );
    const eks = factory.get(EKSClient, scope);
    const wanted = { endpointPublicAccess: false, endpointPrivateAccess: true };

    // Act
    const started = await eks.send(new UpdateClusterConfigCommand({ name, resourcesVpcConfig: wanted }));
    const during = await eks.send(new DescribeClusterCommand({ name }));
    const busy = await errorOf(
      eks.send(new UpdateClusterConfigCommand({ name, resourcesVpcConfig: wanted })),
    );
    const pending = await eks.send(new DescribeUpdateCommand({ name, updateId: started.update!.id! }));
    clock.now += 60_000;
    const after = await eks.send(new DescribeClusterCommand({ name }));
    const done = await eks.send(new DescribeUpdateCommand({ name, updateId: started.update!.id! }));
    const list = await eks.send(new ListUpdatesCommand({ name }));
    await sim.close();

    // Assess
    const shape = ({ id: _i, createdAt: _c, ...u }: Update) => u;
    expect(shape(started.update!)).toEqual(shape(inProgress.update));
    expect(started.update?.createdAt).toEqual(new Date(1_760_000_000_000));
    expect(during.cluster?.status).toBe('UPDATING');
    expect(during.cluster?.resourcesVpcConfig?.endpointPublicAccess).toBe(true);
    expect(busy).toBeInstanceOf(ResourceInUseException);
    expect(pending.update?.status).toBe('InProgress');
    expect(after.cluster?.status).toBe('ACTIVE');
    expect(after.cluster?.resourcesVpcConfig).toMatchObject({ ...wanted, publicAccessCidrs: ['0.0.0.0/0'] });
    expect(shape(done.update!)).toEqual(shape(successful.update));
    expect(list.updateIds).toEqual([started.update?.id]);
  });

  it('settles on the next call by default', async () => {
    // Prepare
    const { sim, factory } = await simWith({ eksClusters: [recorded as never] });
    const eks = factory.get(EKSClient, scope);

    // Act
    const started = await eks.send(
      new UpdateClusterConfigCommand({
        name,
        resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
      }),
    );
    const after = await eks.send(new DescribeClusterCommand({ name }));
    await sim.close();

    // Assess
    expect(started.update?.status).toBe('InProgress');
    expect(after.cluster?.status).toBe('ACTIVE');
    expect(after.cluster?.resourcesVpcConfig?.endpointPublicAccess).toBe(false);
  });

  it('says the cluster is already at the desired configuration when nothing would change', async () => {
    // Prepare
    const { sim, factory } = await simWith({ eksClusters: [recorded as never] });

    // Act
    const error = await errorOf(
      factory.get(EKSClient, scope).send(
        new UpdateClusterConfigCommand({
          name,
          resourcesVpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: false },
        }),
      ),
    );
    await sim.close();

    // Assess
    expect(error).toBeInstanceOf(InvalidParameterException);
    expect(error?.message).toMatch(/^Cluster is already at the desired configuration/);
  });

  it('refuses an update while the cluster is not ACTIVE', async () => {
    // Prepare
    const { sim, factory } = await simWith({ eksClusters: [{ ...recorded, status: 'CREATING' } as never] });

    // Act
    const error = await errorOf(
      factory
        .get(EKSClient, scope)
        .send(new UpdateClusterConfigCommand({ name, resourcesVpcConfig: { endpointPrivateAccess: true } })),
    );
    await sim.close();

    // Assess
    expect(error).toBeInstanceOf(ResourceInUseException);
  });
});

describe('Function: simulated Config', () => {
  it('stores evaluations and reads them back per rule, latest per resource', async () => {
    // Prepare
    const { sim, factory } = await simWith({});
    const config = factory.get(ConfigServiceClient, scope);
    const evaluation = (type: 'COMPLIANT' | 'NON_COMPLIANT', at: string) => ({
      ComplianceResourceType: 'AWS::EC2::TransitGatewayRouteTable',
      ComplianceResourceId: 'tgw-rtb-0ca78a549EXAMPLE',
      ComplianceType: type,
      Annotation: 'pod CIDR route',
      OrderingTimestamp: new Date(at),
    });

    // Act
    await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'airlock-tgw-pod-cidr',
        Evaluations: [evaluation('NON_COMPLIANT', '2026-01-01T00:00:00Z')],
      }),
    );
    await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'airlock-tgw-pod-cidr',
        Evaluations: [evaluation('COMPLIANT', '2026-01-02T00:00:00Z')],
      }),
    );
    await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'airlock-tgw-pod-cidr',
        TestMode: true,
        Evaluations: [evaluation('NON_COMPLIANT', '2026-01-03T00:00:00Z')],
      }),
    );
    const out = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'airlock-tgw-pod-cidr' }),
    );
    const unknown = await errorOf(
      config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'nope' })),
    );
    await sim.close();

    // Assess
    expect(out.EvaluationResults).toHaveLength(1);
    expect(out.EvaluationResults?.[0]).toMatchObject({
      ComplianceType: 'COMPLIANT',
      Annotation: 'pod CIDR route',
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: 'airlock-tgw-pod-cidr',
          ResourceType: 'AWS::EC2::TransitGatewayRouteTable',
          ResourceId: 'tgw-rtb-0ca78a549EXAMPLE',
        },
        OrderingTimestamp: new Date('2026-01-02T00:00:00Z'),
      },
    });
    expect(unknown).toBeInstanceOf(NoSuchConfigRuleException);
  });

  it('returns the configuration history it was seeded with', async () => {
    // Prepare
    const item = loadRealWorld<Record<string, unknown>>(
      'events/configuration-items/rdk-example-ci__AWS_EC2_SecurityGroup.json',
    );
    const { sim, factory } = await simWith({ config: { configurationItems: [item] } });
    const config = factory.get(ConfigServiceClient, scope);

    // Act
    const out = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: item.resourceType as never,
        resourceId: String(item.resourceId),
      }),
    );
    const missing = await errorOf(
      config.send(
        new GetResourceConfigHistoryCommand({
          resourceType: 'AWS::EC2::SecurityGroup',
          resourceId: 'sg-0000',
        }),
      ),
    );
    await sim.close();

    // Assess
    expect(out.configurationItems?.[0]?.configurationItemCaptureTime).toEqual(
      new Date(String(item.configurationItemCaptureTime)),
    );
    expect(out.configurationItems?.[0]?.resourceId).toBe(item.resourceId);
    expect(missing?.name).toBe('ResourceNotDiscoveredException');
  });
});

describe('Function: simulated SSM and STS', () => {
  it('reads, writes and versions parameters, and raises ParameterNotFound', async () => {
    // Prepare
    const { sim, factory } = await simWith({
      ssmParameters: [{ Name: '/airlock/settings', Value: '{"mode":"dry-run"}' }],
    });
    const ssm = factory.get(SSMClient, scope);

    // Act
    const first = await ssm.send(new GetParameterCommand({ Name: '/airlock/settings' }));
    const refused = await errorOf(
      ssm.send(new PutParameterCommand({ Name: '/airlock/settings', Value: '{}' })),
    );
    const put = await ssm.send(
      new PutParameterCommand({ Name: '/airlock/settings', Value: '{"mode":"enforce"}', Overwrite: true }),
    );
    const many = await ssm.send(
      new GetParametersCommand({ Names: ['/airlock/settings', '/airlock/missing'] }),
    );
    const missing = await errorOf(ssm.send(new GetParameterCommand({ Name: '/airlock/missing' })));
    await sim.close();

    // Assess
    expect(first.Parameter).toMatchObject({
      Name: '/airlock/settings',
      Value: '{"mode":"dry-run"}',
      Version: 1,
      Type: 'String',
    });
    expect(first.Parameter?.ARN).toBe(`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/airlock/settings`);
    expect(refused?.name).toBe('ParameterAlreadyExists');
    expect(put.Version).toBe(2);
    expect(many.Parameters?.map((p) => p.Value)).toEqual(['{"mode":"enforce"}']);
    expect(many.InvalidParameters).toEqual(['/airlock/missing']);
    expect(missing).toBeInstanceOf(ParameterNotFound);
  });

  it('answers who the caller is and assumes only the roles the state lists', async () => {
    // Prepare
    const { sim, factory } = await simWith(
      {},
      { accounts: { '210987654321': { roles: [], regions: {} } } as never },
    );
    const sts = factory.get(STSClient, scope);

    // Act
    const me = await sts.send(new GetCallerIdentityCommand({}));
    const role = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/airlock-remediation`,
        RoleSessionName: 'airlock',
      }),
    );
    const denied = await errorOf(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::210987654321:role/admin',
          RoleSessionName: 'airlock',
        }),
      ),
    );
    await sim.close();

    // Assess
    expect(me.Account).toBe(ACCOUNT);
    expect(role.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/airlock-remediation/airlock`,
    );
    expect(role.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(denied?.name).toBe('AccessDenied');
    expect(denied?.$metadata.httpStatusCode).toBe(403);
  });
});

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
import { describe, expect, it } from 'vitest';
import { loadPlacebo, loadRealWorld } from '../../../test/helpers/fixtures.js';
import { errorOf, scope, simWith } from '../../../test/helpers/simulated-services.js';

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

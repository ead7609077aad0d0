import type { Update } from '@aws-sdk/client-eks';
import type { SimCallContext } from './context.js';
import { SimApiError } from './errors.js';
import { paginate } from './paging.js';
import type { SimCluster, SimState } from './state.js';

// biome-ignore lint/suspicious/noExplicitAny: command inputs arrive untyped from the middleware
type Input = Record<string, any>;

const ENDPOINT_FIELDS = ['endpointPublicAccess', 'endpointPrivateAccess', 'publicAccessCidrs'] as const;

function findCluster(ctx: SimCallContext, name: unknown): SimCluster {
  const cluster = ctx.region$().eksClusters.find((c) => c.name === name);
  if (!cluster) {
    throw new SimApiError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404, {
      clusterName: name,
    });
  }
  return cluster;
}

function toDate(v: unknown): Date | undefined {
  return v === undefined ? undefined : new Date(v as string);
}

function outUpdate(u: Update): Update {
  const out = structuredClone(u);
  if (u.createdAt !== undefined) out.createdAt = toDate(u.createdAt);
  return out;
}

/** Settles every cluster update whose time has come: the new configuration applies, the cluster is ACTIVE. */
export function settleEksUpdates(state: SimState, now: number): void {
  for (const account of Object.values(state.accounts)) {
    for (const region of Object.values(account.regions)) {
      for (const cluster of region.eksClusters) {
        const p = cluster.pending;
        if (!p || p.settlesAt > now) continue;
        if (p.resourcesVpcConfig.logging !== undefined) {
          cluster.logging = p.resourcesVpcConfig.logging as SimCluster['logging'];
        } else {
          cluster.resourcesVpcConfig = { ...cluster.resourcesVpcConfig, ...p.resourcesVpcConfig };
        }
        cluster.status = 'ACTIVE';
        const update = cluster.updates?.find((u) => u.id === p.updateId);
        if (update) update.status = 'Successful';
        delete cluster.pending;
      }
    }
  }
}

function describeCluster(ctx: SimCallContext, input: Input) {
  const { updates: _u, pending: _p, ...cluster } = structuredClone(findCluster(ctx, input.name));
  if (cluster.createdAt !== undefined) cluster.createdAt = toDate(cluster.createdAt);
  return { cluster };
}

function updateClusterConfig(ctx: SimCallContext, input: Input) {
  const cluster = findCluster(ctx, input.name);
  if (cluster.pending || cluster.updates?.some((u) => u.status === 'InProgress')) {
    throw new SimApiError('ResourceInUseException', 'Cluster has an update in progress', 409, {
      clusterName: cluster.name,
    });
  }
  if (cluster.status !== 'ACTIVE') {
    throw new SimApiError('ResourceInUseException', `Cluster is in ${cluster.status} state`, 409, {
      clusterName: cluster.name,
    });
  }
  const wanted = (input.resourcesVpcConfig ?? {}) as Record<string, unknown>;
  const given = ENDPOINT_FIELDS.filter((k) => wanted[k] !== undefined);
  let update: Update;
  let target: Record<string, unknown>;
  if (given.length) {
    const current = cluster.resourcesVpcConfig ?? {};
    const next = { ...current, ...Object.fromEntries(given.map((k) => [k, wanted[k]])) } as Record<
      string,
      unknown
    >;
    const same = given.every((k) => JSON.stringify(current[k]) === JSON.stringify(next[k]));
    if (same) {
      throw new SimApiError(
        'InvalidParameterException',
        `Cluster is already at the desired configuration with endpointPrivateAccess: ${current.endpointPrivateAccess} , endpointPublicAccess: ${current.endpointPublicAccess}, and Public Endpoint Restrictions: [${(current.publicAccessCidrs ?? []).join(', ')}]`,
        400,
        { clusterName: cluster.name },
      );
    }
    if (next.endpointPublicAccess === false && next.endpointPrivateAccess === false) {
      throw new SimApiError(
        'InvalidParameterException',
        'Private and public endpoint access cannot both be disabled',
        400,
        { clusterName: cluster.name },
      );
    }
    const names = {
      endpointPublicAccess: 'EndpointPublicAccess',
      endpointPrivateAccess: 'EndpointPrivateAccess',
      publicAccessCidrs: 'PublicAccessCidrs',
    } as const;
    update = {
      id: ctx.newUuid(),
      status: 'InProgress',
      type: 'EndpointAccessUpdate',
      params: given.map((k) => ({
        type: names[k],
        value: k === 'publicAccessCidrs' ? JSON.stringify(wanted[k]) : String(wanted[k]),
      })),
      createdAt: new Date(ctx.now).toISOString() as never,
      errors: [],
    };
    target = Object.fromEntries(given.map((k) => [k, wanted[k]]));
  } else if (input.logging !== undefined) {
    update = {
      id: ctx.newUuid(),
      status: 'InProgress',
      type: 'LoggingUpdate',
      params: [{ type: 'ClusterLogging', value: JSON.stringify(input.logging) }],
      createdAt: new Date(ctx.now).toISOString() as never,
      errors: [],
    };
    target = { logging: input.logging };
  } else {
    throw new SimApiError(
      'InvalidParameterException',
      'No changes needed for the logging config provided',
      400,
    );
  }
  cluster.updates = [...(cluster.updates ?? []), update];
  cluster.status = 'UPDATING';
  cluster.pending = {
    updateId: update.id!,
    settlesAt: ctx.now + (ctx.state.settings.eksUpdateDelayMs ?? 0),
    resourcesVpcConfig: target,
  };
  return { update: outUpdate(update) };
}

function describeUpdate(ctx: SimCallContext, input: Input) {
  const cluster = findCluster(ctx, input.name);
  const update = cluster.updates?.find((u) => u.id === input.updateId);
  if (!update) {
    throw new SimApiError('ResourceNotFoundException', `No update found for ID: ${input.updateId}`, 404, {
      clusterName: cluster.name,
    });
  }
  return { update: outUpdate(update) };
}

function listUpdates(ctx: SimCallContext, input: Input) {
  const cluster = findCluster(ctx, input.name);
  const ids = (cluster.updates ?? []).map((u) => u.id!);
  const { page, next } = paginate(ids, input.maxResults, input.nextToken, 100, 'InvalidParameterException');
  return { updateIds: page, ...(next ? { nextToken: next } : {}) };
}

function listClusters(ctx: SimCallContext, input: Input) {
  const names = ctx.region$().eksClusters.map((c) => c.name);
  const { page, next } = paginate(names, input.maxResults, input.nextToken, 100, 'InvalidParameterException');
  return { clusters: page, ...(next ? { nextToken: next } : {}) };
}

/** The simulated EKS APIs, by API name. */
export const EKS_APIS: Record<string, (ctx: SimCallContext, input: Input) => unknown> = {
  ListClusters: listClusters,
  DescribeCluster: describeCluster,
  UpdateClusterConfig: updateClusterConfig,
  DescribeUpdate: describeUpdate,
  ListUpdates: listUpdates,
};

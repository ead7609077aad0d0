import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import {
  defineKind,
  firstString,
  regionSlot,
  type SimFragment,
  type SimInput,
  type SimSnapshotReader,
} from '../kind.js';
import { paginate } from '../paging.js';
import { cidrText, isoDate } from './schema-parts.js';

/** EKS clusters: endpoint access, and updates that take `settings.eksUpdateDelayMs` to settle. */

const updateSchema = z
  .object({
    id: z.string(),
    status: z.enum(['InProgress', 'Failed', 'Cancelled', 'Successful']),
    type: z.string().optional(),
  })
  .loose();

const clusterSchema = z
  .object({
    name: z.string().min(1),
    arn: z.string().optional(),
    status: z.enum(['CREATING', 'ACTIVE', 'DELETING', 'FAILED', 'UPDATING', 'PENDING']).default('ACTIVE'),
    createdAt: isoDate.optional(),
    resourcesVpcConfig: z
      .object({
        endpointPublicAccess: z.boolean().optional(),
        endpointPrivateAccess: z.boolean().optional(),
        publicAccessCidrs: z.array(cidrText).optional(),
      })
      .loose()
      .optional(),
    updates: z.array(updateSchema).optional(),
    /** The simulator's: an update in flight, the configuration the cluster settles to, and when. */
    pending: z
      .object({
        updateId: z.string(),
        settlesAt: z.number(),
        resourcesVpcConfig: z.record(z.string(), z.unknown()),
      })
      .optional(),
  })
  .loose();

/** SDK `Cluster` + `updates` (SDK `Update[]`) + `pending`. */
export type SimCluster = z.output<typeof clusterSchema>;
type SimUpdate = z.output<typeof updateSchema>;

const slot = regionSlot(
  { eksClusters: z.array(clusterSchema).default(() => []) },
  {
    /** How long a cluster stays UPDATING after UpdateClusterConfig (0: settles on the next call). */
    eksUpdateDelayMs: z.number().min(0).optional(),
  },
);

const ENDPOINT_FIELDS = ['endpointPublicAccess', 'endpointPrivateAccess', 'publicAccessCidrs'] as const;

function findCluster(ctx: SimCallContext, name: unknown): SimCluster {
  const cluster = slot.in(ctx).eksClusters.find((c) => c.name === name);
  if (!cluster) {
    throw new SimApiError('ResourceNotFoundException', `No cluster found for name: ${name}.`, 404, {
      clusterName: name,
    });
  }
  return cluster;
}

function outUpdate(u: SimUpdate) {
  const out: Record<string, unknown> = structuredClone(u);
  if (u.createdAt !== undefined) out.createdAt = new Date(u.createdAt as string);
  return out;
}

/** Settles every update whose time has come: the new configuration applies, the cluster is ACTIVE. */
function settleUpdates(clusters: readonly SimCluster[], now: number): void {
  for (const cluster of clusters) {
    const p = cluster.pending;
    if (!p || p.settlesAt > now) continue;
    if (p.resourcesVpcConfig.logging !== undefined) {
      cluster.logging = p.resourcesVpcConfig.logging;
    } else {
      cluster.resourcesVpcConfig = { ...cluster.resourcesVpcConfig, ...p.resourcesVpcConfig };
    }
    cluster.status = 'ACTIVE';
    const update = cluster.updates?.find((u) => u.id === p.updateId);
    if (update) update.status = 'Successful';
    delete cluster.pending;
  }
}

function describeCluster(ctx: SimCallContext, input: SimInput) {
  const { updates: _u, pending: _p, ...cluster } = structuredClone(findCluster(ctx, input.name));
  const out: Record<string, unknown> = cluster;
  if (cluster.createdAt !== undefined) out.createdAt = new Date(cluster.createdAt);
  return { cluster: out };
}

function checkNotBusy(cluster: SimCluster): void {
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
}

const PARAM_NAMES = {
  endpointPublicAccess: 'EndpointPublicAccess',
  endpointPrivateAccess: 'EndpointPrivateAccess',
  publicAccessCidrs: 'PublicAccessCidrs',
} as const;

/** An endpoint access update: the update record and the configuration the cluster settles to. */
function endpointUpdate(ctx: SimCallContext, cluster: SimCluster, wanted: Record<string, unknown>) {
  const given = ENDPOINT_FIELDS.filter((k) => wanted[k] !== undefined);
  if (!given.length) return undefined;
  const current: Record<string, unknown> = cluster.resourcesVpcConfig ?? {};
  const next = { ...current, ...Object.fromEntries(given.map((k) => [k, wanted[k]])) };
  if (given.every((k) => JSON.stringify(current[k]) === JSON.stringify(next[k]))) {
    const cidrs = (current.publicAccessCidrs ?? []) as string[];
    throw new SimApiError(
      'InvalidParameterException',
      `Cluster is already at the desired configuration with endpointPrivateAccess: ${current.endpointPrivateAccess} , endpointPublicAccess: ${current.endpointPublicAccess}, and Public Endpoint Restrictions: [${cidrs.join(', ')}]`,
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
  const update: SimUpdate = {
    id: ctx.newUuid(),
    status: 'InProgress',
    type: 'EndpointAccessUpdate',
    params: given.map((k) => ({
      type: PARAM_NAMES[k],
      value: k === 'publicAccessCidrs' ? JSON.stringify(wanted[k]) : String(wanted[k]),
    })),
    createdAt: new Date(ctx.now).toISOString(),
    errors: [],
  };
  return { update, target: Object.fromEntries(given.map((k) => [k, wanted[k]])) };
}

function loggingUpdate(ctx: SimCallContext, logging: unknown) {
  const update: SimUpdate = {
    id: ctx.newUuid(),
    status: 'InProgress',
    type: 'LoggingUpdate',
    params: [{ type: 'ClusterLogging', value: JSON.stringify(logging) }],
    createdAt: new Date(ctx.now).toISOString(),
    errors: [],
  };
  return { update, target: { logging } };
}

function updateClusterConfig(ctx: SimCallContext, input: SimInput) {
  const cluster = findCluster(ctx, input.name);
  checkNotBusy(cluster);
  const change =
    endpointUpdate(ctx, cluster, (input.resourcesVpcConfig ?? {}) as Record<string, unknown>) ??
    (input.logging !== undefined ? loggingUpdate(ctx, input.logging) : undefined);
  if (!change) {
    throw new SimApiError(
      'InvalidParameterException',
      'No changes needed for the logging config provided',
      400,
    );
  }
  cluster.updates = [...(cluster.updates ?? []), change.update];
  cluster.status = 'UPDATING';
  cluster.pending = {
    updateId: change.update.id,
    settlesAt: ctx.now + (slot.settingsOf(ctx).eksUpdateDelayMs ?? 0),
    resourcesVpcConfig: change.target,
  };
  return { update: outUpdate(change.update) };
}

function describeUpdate(ctx: SimCallContext, input: SimInput) {
  const cluster = findCluster(ctx, input.name);
  const update = cluster.updates?.find((u) => u.id === input.updateId);
  if (!update) {
    throw new SimApiError('ResourceNotFoundException', `No update found for ID: ${input.updateId}`, 404, {
      clusterName: cluster.name,
    });
  }
  return { update: outUpdate(update) };
}

function listUpdates(ctx: SimCallContext, input: SimInput) {
  const cluster = findCluster(ctx, input.name);
  const ids = (cluster.updates ?? []).map((u) => u.id);
  const { page, next } = paginate(ids, input.maxResults, input.nextToken, 100, 'InvalidParameterException');
  return { updateIds: page, ...(next ? { nextToken: next } : {}) };
}

function listClusters(ctx: SimCallContext, input: SimInput) {
  const names = slot.in(ctx).eksClusters.map((c) => c.name);
  const { page, next } = paginate(names, input.maxResults, input.nextToken, 100, 'InvalidParameterException');
  return { clusters: page, ...(next ? { nextToken: next } : {}) };
}

/**
 * An ACTIVE cluster for a scenario (Kubernetes 1.31 unless said otherwise); its ARN names the
 * account and region it is placed in.
 */
export function eksCluster(spec: {
  readonly name: string;
  readonly version?: string;
  readonly vpc: string;
  readonly subnets?: readonly string[];
  readonly publicAccess: boolean;
  readonly privateAccess: boolean;
  readonly publicAccessCidrs: readonly string[];
}): SimFragment {
  return slot.fragment((view, where) => {
    view.eksClusters.push({
      name: spec.name,
      arn: `arn:aws:eks:${where.region}:${where.account}:cluster/${spec.name}`,
      status: 'ACTIVE',
      version: spec.version ?? '1.31',
      resourcesVpcConfig: {
        vpcId: spec.vpc,
        ...(spec.subnets ? { subnetIds: [...spec.subnets] } : {}),
        endpointPublicAccess: spec.publicAccess,
        endpointPrivateAccess: spec.privateAccess,
        publicAccessCidrs: [...spec.publicAccessCidrs],
      },
      updates: [],
    });
  });
}

async function snapshotClusters(read: SimSnapshotReader) {
  const eks = read.clients.get(EKSClient, read.scope);
  const names = await read.attempt('eks:ListClusters', () =>
    read.pages<string>(async (nextToken) => {
      const page = await eks.send(new ListClustersCommand({ nextToken }));
      return { items: page.clusters, next: page.nextToken };
    }),
  );
  if (!names) return {};
  const clusters: SimCluster[] = [];
  for (const name of names) {
    const described = await read.attempt('eks:DescribeCluster', () =>
      eks.send(new DescribeClusterCommand({ name })),
    );
    if (described?.cluster) clusters.push({ ...read.plain(described.cluster), name } as SimCluster);
  }
  return { eksClusters: clusters };
}

/** The EKS clusters kind. */
export const eksClusters = defineKind('EKS clusters', slot, {
  apis: {
    eks: {
      ListClusters: listClusters,
      DescribeCluster: describeCluster,
      UpdateClusterConfig: updateClusterConfig,
      DescribeUpdate: describeUpdate,
      ListUpdates: listUpdates,
    },
  },
  resourceId: (_api, input) => firstString(input, ['name']),
  tick: (view, now) => settleUpdates(view.eksClusters, now),
  summarize: (view) =>
    view.eksClusters.map((c) => {
      const v = c.resourcesVpcConfig ?? {};
      return {
        kind: 'eks cluster',
        id: c.name,
        detail: `${c.status ?? 'ACTIVE'}, public ${v.endpointPublicAccess ? 'on' : 'off'}, private ${v.endpointPrivateAccess ? 'on' : 'off'}${c.pending ? ', update in progress' : ''}`,
      };
    }),
  sample: () => [
    eksCluster({
      name: 'platform',
      vpc: 'vpc-0123456789abcdef0',
      subnets: ['subnet-0private00000001'],
      publicAccess: true,
      privateAccess: false,
      publicAccessCidrs: ['0.0.0.0/0'],
    }),
  ],
  snapshot: snapshotClusters,
});

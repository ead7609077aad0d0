import type { Cluster, UpdateClusterConfigCommandInput } from '@aws-sdk/client-eks';
import * as z from 'zod/mini';
import { GONE, type Gone, type Plan, type Step } from '../../shared/remediation.js';
import '../../shared/zod.js';

/**
 * The cluster's endpoint access as DescribeCluster reports it. Older responses (and some
 * AWS-compatible endpoints) leave out the endpoint fields or `publicAccessCidrs`: they stay
 * undefined here, and {@link endpointAccess} applies AWS's defaults.
 */
export interface ClusterState {
  readonly name: string;
  /** `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `FAILED`, `PENDING`; undefined when not reported. */
  readonly status?: string;
  readonly endpointPublicAccess?: boolean;
  readonly endpointPrivateAccess?: boolean;
  readonly publicAccessCidrs?: readonly string[];
}

/** The endpoint access that applies: AWS's defaults (public on, private off) where a field is missing. */
export interface EndpointAccess {
  readonly endpointPublicAccess: boolean;
  readonly endpointPrivateAccess: boolean;
  readonly publicAccessCidrs?: readonly string[];
}

/** What EKS assumes when a cluster states nothing: the endpoint is public and not private. */
export const DEFAULT_ENDPOINT_ACCESS = { endpointPublicAccess: true, endpointPrivateAccess: false } as const;

export const PrivatizeEksEndpointSettingsSchema = z.strictObject({});
export type PrivatizeEksEndpointSettings = z.infer<typeof PrivatizeEksEndpointSettingsSchema>;

export type EksStep = Step<UpdateClusterConfigCommandInput> & {
  readonly action: 'eks:UpdateClusterConfig';
  /** The endpoint access before the step (defaults applied): what undo restores. */
  readonly before: EndpointAccess;
};

/** The state of a DescribeCluster `cluster`: only what the planner and undo need. */
export function clusterStateFrom(cluster: Cluster, name: string = cluster.name ?? ''): ClusterState {
  const vpc = cluster.resourcesVpcConfig ?? {};
  return {
    name,
    ...(cluster.status === undefined ? {} : { status: cluster.status }),
    ...(vpc.endpointPublicAccess === undefined ? {} : { endpointPublicAccess: vpc.endpointPublicAccess }),
    ...(vpc.endpointPrivateAccess === undefined ? {} : { endpointPrivateAccess: vpc.endpointPrivateAccess }),
    ...(vpc.publicAccessCidrs === undefined ? {} : { publicAccessCidrs: [...vpc.publicAccessCidrs] }),
  };
}

/** The endpoint access in force, with AWS's defaults for missing fields. */
export function endpointAccess(state: ClusterState): EndpointAccess {
  return {
    endpointPublicAccess: state.endpointPublicAccess ?? DEFAULT_ENDPOINT_ACCESS.endpointPublicAccess,
    endpointPrivateAccess: state.endpointPrivateAccess ?? DEFAULT_ENDPOINT_ACCESS.endpointPrivateAccess,
    ...(state.publicAccessCidrs === undefined ? {} : { publicAccessCidrs: [...state.publicAccessCidrs] }),
  };
}

/** True when the endpoint is private only: public off, private on. */
export function isPrivateOnly(access: EndpointAccess): boolean {
  return !access.endpointPublicAccess && access.endpointPrivateAccess;
}

function describeAccess(access: EndpointAccess): string {
  const cidrs = access.publicAccessCidrs?.length
    ? ` from ${access.publicAccessCidrs.join(', ')}`
    : access.endpointPublicAccess
      ? ' from every address (no publicAccessCidrs)'
      : '';
  return `public ${access.endpointPublicAccess ? 'on' : 'off'}${access.endpointPublicAccess ? cidrs : ''}, private ${access.endpointPrivateAccess ? 'on' : 'off'}`;
}

function defaultNotes(state: ClusterState): string[] {
  const notes: string[] = [];
  if (state.endpointPublicAccess === undefined) {
    notes.push('DescribeCluster did not report endpointPublicAccess: AWS default (true) assumed');
  }
  if (state.endpointPrivateAccess === undefined) {
    notes.push('DescribeCluster did not report endpointPrivateAccess: AWS default (false) assumed');
  }
  return notes;
}

/** Cluster states that end by themselves: an endpoint change waits for them (DEFERRED). */
const BUSY = new Set(['UPDATING', 'CREATING', 'PENDING']);

/**
 * Plans making the cluster's API endpoint private only. Pure. One `UpdateClusterConfig` sets both
 * flags (public off, private on): private must be on for public to go off, and an endpoint with
 * neither is never left. A cluster that is not ACTIVE cannot be updated now: `skip`.
 *
 * @example
 * ```ts
 * planPrivatizeEksEndpoint({ name: 'payments', status: 'ACTIVE', endpointPublicAccess: true, endpointPrivateAccess: false }, {});
 * // { kind: 'steps', steps: [{ action: 'eks:UpdateClusterConfig',
 * //   input: { name: 'payments', resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true } }, … }] }
 * ```
 */
export function planPrivatizeEksEndpoint(
  state: ClusterState,
  _settings: PrivatizeEksEndpointSettings,
): Plan<EksStep> {
  const access = endpointAccess(state);
  const notes = defaultNotes(state);
  const withNotes = notes.length ? { notes } : {};
  if (isPrivateOnly(access)) {
    return {
      kind: 'noop',
      reason: 'the API endpoint is private only (public off, private on)',
      ...withNotes,
    };
  }
  if (state.status !== undefined && state.status !== 'ACTIVE') {
    return {
      kind: 'skip',
      reason: `cluster ${state.name} is ${state.status}: its endpoint access can change only when it is ACTIVE`,
      // an update or creation ends by itself; a cluster DELETING or FAILED is not waited for
      ...(BUSY.has(state.status) ? { retryLater: true } : {}),
      ...withNotes,
    };
  }
  if (state.status === undefined) {
    notes.push('DescribeCluster did not report the cluster status: updating, EKS refuses if it is busy');
  }
  return {
    kind: 'steps',
    steps: [
      {
        action: 'eks:UpdateClusterConfig',
        input: {
          name: state.name,
          resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
        },
        reason: `the API endpoint is not private only: ${describeAccess(access)}`,
        before: access,
      },
    ],
    ...(notes.length ? { notes } : {}),
  };
}

/** The endpoint access a step leaves (fields it does not set stay as they were). */
export function accessAfter(step: EksStep): EndpointAccess {
  const vpc = step.input.resourcesVpcConfig ?? {};
  const cidrs = vpc.publicAccessCidrs ?? step.before.publicAccessCidrs;
  return {
    endpointPublicAccess: vpc.endpointPublicAccess ?? step.before.endpointPublicAccess,
    endpointPrivateAccess: vpc.endpointPrivateAccess ?? step.before.endpointPrivateAccess,
    ...(cidrs === undefined ? {} : { publicAccessCidrs: [...cidrs] }),
  };
}

/**
 * The inverse of a step: `UpdateClusterConfig` restoring the endpoint access as it was, with the
 * previous `publicAccessCidrs` when there were some. An endpoint with neither public nor private
 * access cannot exist in EKS: undo never asks for one (private stays on).
 */
export function undoEksStep(step: EksStep): EksStep[] {
  const previous = step.before;
  const restorePrivate =
    previous.endpointPublicAccess || previous.endpointPrivateAccess ? previous.endpointPrivateAccess : true;
  return [
    {
      action: 'eks:UpdateClusterConfig',
      input: {
        name: step.input.name,
        resourcesVpcConfig: {
          endpointPublicAccess: previous.endpointPublicAccess,
          endpointPrivateAccess: restorePrivate,
          ...(previous.publicAccessCidrs?.length
            ? { publicAccessCidrs: [...previous.publicAccessCidrs] }
            : {}),
        },
      },
      reason: `undo: restore the endpoint access as it was (${describeAccess(previous)})`,
      before: accessAfter(step),
    },
  ];
}

/**
 * Why undoing `step` now would conflict: the cluster is gone, not ACTIVE (an update is in progress),
 * or its endpoint access is no longer what the step left (someone changed it since). Pure.
 */
export function eksUndoConflict(state: ClusterState | Gone, step: EksStep): string | undefined {
  if (state === GONE) return `cluster ${step.input.name} no longer exists`;
  if (state.status !== undefined && state.status !== 'ACTIVE') {
    return `cluster ${state.name} is ${state.status}: its endpoint access can change only when it is ACTIVE`;
  }
  const now = endpointAccess(state);
  const left = accessAfter(step);
  if (
    now.endpointPublicAccess !== left.endpointPublicAccess ||
    now.endpointPrivateAccess !== left.endpointPrivateAccess
  ) {
    return `the endpoint access of ${state.name} changed since: it is now ${describeAccess(now)}, the remediation left ${describeAccess(left)}`;
  }
  return undefined;
}

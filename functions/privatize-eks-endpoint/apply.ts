import { EKSClient, type Update, UpdateClusterConfigCommand } from '@aws-sdk/client-eks';
import { AirlockError, errorCode } from '../../shared/errors.js';
import type { RemediationContext } from '../../shared/remediation.js';
import type { EksStep } from './plan.js';

/** What the audit record keeps of an `UpdateClusterConfig` response: the asynchronous update. */
export interface UpdateSummary {
  readonly update: {
    readonly id?: string;
    readonly status?: string;
    readonly type?: string;
    readonly params?: readonly { readonly type?: string; readonly value?: string }[];
    readonly createdAt?: string;
    readonly errors?: readonly { readonly errorCode?: string; readonly errorMessage?: string }[];
  } | null;
  readonly note?: string;
}

/** The update as the record keeps it; `update: null` (with a note) when the response named none. */
export function summarizeUpdate(update: Update | undefined): UpdateSummary {
  if (!update) {
    return {
      update: null,
      note: 'UpdateClusterConfig returned no update: its id and status are unknown; the verification reads the cluster again',
    };
  }
  const createdAt =
    update.createdAt instanceof Date
      ? update.createdAt.toISOString()
      : update.createdAt === undefined
        ? undefined
        : String(update.createdAt);
  return {
    update: {
      ...(update.id === undefined ? {} : { id: update.id }),
      ...(update.status === undefined ? {} : { status: update.status }),
      ...(update.type === undefined ? {} : { type: update.type }),
      ...(update.params?.length
        ? { params: update.params.map((p) => ({ type: p.type, value: p.value })) }
        : {}),
      ...(createdAt === undefined ? {} : { createdAt }),
      ...(update.errors?.length
        ? { errors: update.errors.map((e) => ({ errorCode: e.errorCode, errorMessage: e.errorMessage })) }
        : {}),
    },
  };
}

/**
 * Sends exactly one `UpdateClusterConfig` for the step. The update is asynchronous: the result is the
 * update's id and status (kept in the audit record); the verification reads the cluster again.
 */
export async function applyEksStep(step: EksStep, ctx: RemediationContext): Promise<UpdateSummary> {
  if (step.action !== 'eks:UpdateClusterConfig') {
    // a step rebuilt from an audit record may name anything: refuse rather than guess
    throw new AirlockError(`privatize-eks-endpoint does not send ${JSON.stringify(step.action)}`);
  }
  const eks = ctx.client(EKSClient);
  const out = await eks.send(new UpdateClusterConfigCommand(step.input));
  const summary = summarizeUpdate(out.update);
  ctx.logger.info('cluster update started', {
    cluster: step.input.name,
    updateId: summary.update?.id,
    updateStatus: summary.update?.status,
  });
  return summary;
}

/**
 * True for the error EKS returns when the cluster already has the requested endpoint access:
 * `InvalidParameterException` "Cluster is already at the desired configuration …".
 */
export function isAlreadyAtDesiredConfiguration(error: unknown): boolean {
  if (errorCode(error) !== 'InvalidParameterException') return false;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && /already at the desired configuration/i.test(message);
}

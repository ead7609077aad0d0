import type {
  DeletePublicAccessBlockCommandInput,
  PublicAccessBlockConfiguration,
  PutPublicAccessBlockCommandInput,
} from '@aws-sdk/client-s3';
import * as z from 'zod/mini';
import { GONE, type Gone, type Plan, type Step } from '../../shared/remediation.js';
import '../../shared/zod.js';

/** The four settings of an S3 public access block, in the order AWS documents them. */
export const BLOCK_SETTINGS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const;
export type BlockSetting = (typeof BLOCK_SETTINGS)[number];

/** A public access block with each of the four settings stated (a missing setting is off). */
export type BlockConfiguration = { readonly [K in BlockSetting]: boolean };

/** Every setting on: what "fixed" means. */
export const FULL_BLOCK: BlockConfiguration = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/**
 * The bucket's public access block as read live. `configuration` is `null` when the bucket has none
 * at all (`NoSuchPublicAccessBlockConfiguration`: all four off), which undo must tell apart from a
 * configuration with every setting off.
 */
export interface BucketState {
  readonly bucket: string;
  readonly configuration: BlockConfiguration | null;
}

export const BlockPublicS3SettingsSchema = z.strictObject({});
export type BlockPublicS3Settings = z.infer<typeof BlockPublicS3SettingsSchema>;

/** What a step changes, as it was: the configuration before (`null`: the bucket had none). */
export interface BlockBefore {
  readonly configuration: BlockConfiguration | null;
}

/** `PutPublicAccessBlock` (IAM action `s3:PutBucketPublicAccessBlock`). */
export type PutBlockStep = Step<PutPublicAccessBlockCommandInput> & {
  readonly action: 's3:PutBucketPublicAccessBlock';
  readonly api: 'PutPublicAccessBlock';
  readonly before: BlockBefore;
};
/** `DeletePublicAccessBlock`: AWS authorises it with `s3:PutBucketPublicAccessBlock` too. Undo only. */
export type DeleteBlockStep = Step<DeletePublicAccessBlockCommandInput> & {
  readonly action: 's3:PutBucketPublicAccessBlock';
  readonly api: 'DeletePublicAccessBlock';
  readonly before: BlockBefore;
};
export type S3BlockStep = PutBlockStep | DeleteBlockStep;

/** The SDK's configuration with each setting stated: a missing setting is off, as S3 treats it. */
export function normalizeConfiguration(c: PublicAccessBlockConfiguration): BlockConfiguration {
  return {
    BlockPublicAcls: c.BlockPublicAcls === true,
    IgnorePublicAcls: c.IgnorePublicAcls === true,
    BlockPublicPolicy: c.BlockPublicPolicy === true,
    RestrictPublicBuckets: c.RestrictPublicBuckets === true,
  };
}

/** True when all four settings are on. */
export function isFullyBlocked(c: BlockConfiguration | null): boolean {
  return c !== null && BLOCK_SETTINGS.every((k) => c[k] === true);
}

/** True when both are "no configuration", or both state the same four settings. */
export function sameConfiguration(a: BlockConfiguration | null, b: BlockConfiguration | null): boolean {
  if (a === null || b === null) return a === b;
  return BLOCK_SETTINGS.every((k) => a[k] === b[k]);
}

/** A configuration in words, for reasons and conflicts. */
export function describeConfiguration(c: BlockConfiguration | null): string {
  if (c === null) return 'no public access block configuration (all four settings off)';
  const off = BLOCK_SETTINGS.filter((k) => !c[k]);
  if (off.length === 0) return 'all four settings on';
  if (off.length === BLOCK_SETTINGS.length) return 'all four settings off';
  return `${off.join(', ')} off`;
}

/**
 * Plans turning all four public-access-block settings on. Pure. Bucket policies and ACLs are never
 * touched: with the block on they no longer grant public access, and deleting them would drop
 * TLS-deny and cross-account statements.
 *
 * @example
 * ```ts
 * planBlockPublicS3({ bucket: 'reports', configuration: null }, {});
 * // { kind: 'steps', steps: [{ action: 's3:PutBucketPublicAccessBlock', api: 'PutPublicAccessBlock',
 * //   input: { Bucket: 'reports', PublicAccessBlockConfiguration: FULL_BLOCK }, before: { configuration: null } }] }
 * ```
 */
export function planBlockPublicS3(state: BucketState, _settings: BlockPublicS3Settings): Plan<S3BlockStep> {
  if (isFullyBlocked(state.configuration)) {
    return { kind: 'noop', reason: 'the public access block has all four settings on' };
  }
  return {
    kind: 'steps',
    steps: [
      {
        action: 's3:PutBucketPublicAccessBlock',
        api: 'PutPublicAccessBlock',
        input: { Bucket: state.bucket, PublicAccessBlockConfiguration: { ...FULL_BLOCK } },
        reason: `public access is not fully blocked: ${describeConfiguration(state.configuration)}`,
        before: { configuration: state.configuration === null ? null : { ...state.configuration } },
      },
    ],
  };
}

/** The configuration a step leaves on the bucket (`null`: none). */
export function configurationAfter(step: S3BlockStep): BlockConfiguration | null {
  if (step.api === 'DeletePublicAccessBlock') return null;
  return normalizeConfiguration(step.input.PublicAccessBlockConfiguration ?? {});
}

/**
 * The inverse of a step, from what it kept: the previous configuration is put back exactly; a bucket
 * that had none gets its configuration deleted (`DeletePublicAccessBlock`), so "none" stays "none".
 */
export function undoS3BlockStep(step: S3BlockStep): S3BlockStep[] {
  const bucket = step.input.Bucket;
  const previous = step.before.configuration;
  const now = configurationAfter(step);
  if (previous === null) {
    if (step.api === 'DeletePublicAccessBlock') return [];
    return [
      {
        action: 's3:PutBucketPublicAccessBlock',
        api: 'DeletePublicAccessBlock',
        input: { Bucket: bucket },
        reason: 'undo: the bucket had no public access block configuration; delete it again',
        before: { configuration: now },
      },
    ];
  }
  return [
    {
      action: 's3:PutBucketPublicAccessBlock',
      api: 'PutPublicAccessBlock',
      input: { Bucket: bucket, PublicAccessBlockConfiguration: { ...previous } },
      reason: `undo: put the previous public access block back (${describeConfiguration(previous)})`,
      before: { configuration: now },
    },
  ];
}

/**
 * Why undoing `step` now would conflict: the bucket is gone, or its public access block is no longer
 * what the step left (someone changed it since; undoing would overwrite that change). Pure.
 */
export function s3BlockUndoConflict(state: BucketState | Gone, step: S3BlockStep): string | undefined {
  if (state === GONE) return `bucket ${step.input.Bucket} no longer exists`;
  const left = configurationAfter(step);
  if (!sameConfiguration(state.configuration, left)) {
    return `the public access block of ${state.bucket} changed since: it is now ${describeConfiguration(state.configuration)}, the remediation left ${describeConfiguration(left)}`;
  }
  return undefined;
}

/**
 * The public tier: resources that legitimately face the internet (the subnets and route tables of the
 * ingress tier) and that a remediation must never touch. They are named by id in the settings; a tag
 * may mark them too, but only when an operator opts in, because whoever owns a resource can usually
 * write its tags and would otherwise exempt a drifted private resource by tagging it.
 *
 * @example
 * ```ts
 * const Settings = z.strictObject({
 *   publicSubnetIds: publicTierIdsSchema(subnetKind),
 *   publicSubnetTag: PublicTierTagSchema,
 * });
 * publicTierReason({ id: 'subnet-0123456789abcdef0', tags: [] }, {
 *   ids: ['subnet-0123456789abcdef0'], tag: undefined, idsSetting: 'publicSubnetIds', noun: 'subnet',
 * }); // 'subnet-0123456789abcdef0 is listed as a public-tier subnet (publicSubnetIds)'
 * ```
 */
import * as z from 'zod/mini';
import type { ResourceKind } from './resource-kind.js';
import './zod.js';

/** The opt-in tag that marks a public-tier resource: `{ key: 'airlock:tier', value: 'public' }`. */
export interface PublicTierTag {
  readonly key: string;
  readonly value: string;
}

/**
 * The ids of a public tier's resources, as a setting: each of the kind's id format, at most 1000,
 * none by default.
 *
 * @example
 * ```ts
 * publicTierIdsSchema(routeTableKind).parse(undefined); // []
 * publicTierIdsSchema(routeTableKind).parse(['rtb-../x']); // throws: must be a route table id (…)
 * ```
 */
export function publicTierIdsSchema(kind: ResourceKind) {
  const id = z.string().check(z.regex(new RegExp(kind.pattern), `must be ${kind.words}`));
  return z._default(z.array(id).check(z.maxLength(1000)), []);
}

/**
 * The opt-in tag, as a setting: `null` (off, the default) or `{ key, value }`; parsed to `undefined`
 * when off.
 *
 * @example
 * ```ts
 * PublicTierTagSchema.parse(null); // undefined
 * PublicTierTagSchema.parse({ key: 'airlock:tier', value: 'public' }); // { key: 'airlock:tier', value: 'public' }
 * ```
 */
export const PublicTierTagSchema = z.pipe(
  z._default(
    z.nullable(
      z.strictObject({
        key: z.string().check(z.minLength(1), z.maxLength(128)),
        value: z.string().check(z.maxLength(256)),
      }),
    ),
    null,
  ),
  z.transform((tag): PublicTierTag | undefined => tag ?? undefined),
);

/** How a remediation names its public tier in its settings and in words. */
export interface PublicTier {
  readonly ids: readonly string[];
  readonly tag: PublicTierTag | undefined;
  /** The setting that lists the ids: `publicSubnetIds`. */
  readonly idsSetting: string;
  /** What the resource is, in words: `subnet`, `route table`. */
  readonly noun: string;
}

/**
 * Why a resource belongs to the public tier, or undefined when it does not. Pure.
 *
 * @example
 * ```ts
 * publicTierReason({ id: 'rtb-0123456789abcdef0', tags: [{ Key: 'airlock:tier', Value: 'public' }] }, {
 *   ids: [], tag: { key: 'airlock:tier', value: 'public' }, idsSetting: 'publicRouteTableIds', noun: 'route table',
 * }); // 'rtb-0123456789abcdef0 is tagged airlock:tier=public (public tier)'
 * ```
 */
export function publicTierReason(
  resource: { readonly id: string | undefined; readonly tags: readonly { Key?: string; Value?: string }[] },
  tier: PublicTier,
): string | undefined {
  if (resource.id && tier.ids.includes(resource.id)) {
    return `${resource.id} is listed as a public-tier ${tier.noun} (${tier.idsSetting})`;
  }
  const tag = tier.tag;
  if (tag && resource.tags.some((t) => t.Key === tag.key && t.Value === tag.value)) {
    return `${resource.id} is tagged ${tag.key}=${tag.value} (public tier)`;
  }
  return undefined;
}

/**
 * Many regions: `regions` (the regions with a central stack, the primary first) and `regionContext`
 * (each other region's network facts, JSON keyed by region). A region's VPC, subnets, route tables,
 * prefix lists and endpoints are its own: nothing of the primary's is inherited.
 */
import * as z from 'zod/mini';
import { REGION } from '../shared/resource-id.js';
import { firstIssue } from '../shared/zod.js';
import { ContextError, type Get, list } from './context-values.js';

/** The keys each region gives for itself: the primary at the top level, the others in `regionContext`. */
export const REGIONAL_KEYS = [
  'vpcId',
  'vpcCidr',
  'availabilityZones',
  'privateSubnetIds',
  'privateRouteTableIds',
  's3PrefixListId',
  'dynamodbPrefixListId',
  'publicRouteTableIds',
  'createVpcEndpoints',
  'existingEndpoints',
  'existingEndpointPeers',
] as const;

const isRegional = (key: string) => (REGIONAL_KEYS as readonly string[]).includes(key);

/** The partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/**
 * The regions with a central stack: `regions`, the first being `region` (the primary); by default
 * `region` alone. All of one partition, none twice.
 *
 * @example
 * ```ts
 * readRegions(get, 'eu-west-2'); // ['eu-west-2', 'eu-central-1'] with -c regions=eu-west-2,eu-central-1
 * ```
 */
export function readRegions(get: Get, primary: string): readonly string[] {
  const regions = list(get, 'regions', [primary]);
  const bad = regions.find((r) => !REGION.test(r));
  if (bad !== undefined) throw new ContextError('regions', `holds ${JSON.stringify(bad)}, not a region`);
  if (regions[0] !== primary) {
    throw new ContextError('regions', `must start with region (${primary}): the first is the primary region`);
  }
  if (new Set(regions).size !== regions.length) throw new ContextError('regions', 'names a region twice');
  const other = regions.find((r) => partitionOf(r) !== partitionOf(primary));
  if (other !== undefined) {
    throw new ContextError('regions', `mixes partitions: ${other} is not in the partition of ${primary}`);
  }
  return regions;
}

const Network = z.strictObject(
  Object.fromEntries(REGIONAL_KEYS.map((key) => [key, z.optional(z.unknown())])) as Record<
    (typeof REGIONAL_KEYS)[number],
    z.ZodMiniOptional<z.ZodMiniUnknown>
  >,
);
const RegionContext = z.record(z.string().check(z.regex(REGION, 'keys must be region names')), Network);

/** One region's network facts, as given in `regionContext`. */
export type RegionNetwork = Readonly<Record<string, unknown>>;

/**
 * `regionContext`: for each region of `regions` but the primary, its network facts (the keys of
 * {@link REGIONAL_KEYS}, checked as the top-level ones are). No entry for the primary (its facts are
 * the top-level keys), none for a region without a central stack, no other key.
 *
 * @example
 * ```ts
 * readRegionContext(get, ['eu-west-2', 'eu-central-1'])['eu-central-1']?.vpcId; // 'vpc-…'
 * ```
 */
export function readRegionContext(get: Get, regions: readonly string[]): Record<string, RegionNetwork> {
  const parsed = RegionContext.safeParse(jsonOf(get('regionContext')));
  if (!parsed.success) throw new ContextError('regionContext', `is malformed: ${firstIssue(parsed.error)}`);
  const entries = parsed.data;
  const stray = Object.keys(entries).find((r) => !regions.slice(1).includes(r));
  if (stray !== undefined) {
    throw new ContextError(
      'regionContext',
      stray === regions[0]
        ? `has an entry for the primary region ${stray}: its facts are the top-level keys`
        : `has an entry for ${stray}, which is not in regions (${regions.join(', ')})`,
    );
  }
  const missing = regions.slice(1).find((r) => !(r in entries));
  if (missing !== undefined) {
    throw new ContextError(
      'regionContext',
      `has no entry for ${missing}: each region after the primary gives its own vpcId, privateSubnetIds, …`,
    );
  }
  return entries;
}

function jsonOf(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch (cause) {
    throw new ContextError('regionContext', 'must be a JSON object keyed by region', { cause });
  }
}

/** The context as seen from `region`: its own network facts from `network`, the rest from `get`. */
export function regionalGet(get: Get, region: string, network: RegionNetwork): Get {
  return (key) => (key === 'region' ? region : isRegional(key) ? network[key] : get(key));
}

/**
 * Runs `read` for a region of `regionContext`, a problem with one of its keys named as
 * `regionContext.<region>.<key>`.
 */
export function inRegion<T>(region: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ContextError && isRegional(error.key)) {
      throw new ContextError(`regionContext.${region}.${error.key}`, error.problem, { cause: error });
    }
    throw error;
  }
}

import type { ResourceLister } from '../shared/remediation.js';
import { REMEDIATIONS } from './registry.js';

/**
 * How `airlock scan` enumerates each registered remediation's resources: its folder's `list.ts`
 * (`export const list: ResourceLister`). Loaded here, by the CLI, and never by a function: the
 * Lambda bundles carry no list call nor paginator.
 *
 * @example
 * ```ts
 * const lister = LISTERS.get('revoke-open-ssh');
 * for await (const id of lister!.ids(ctx)) console.log(id); // sg-0123456789abcdef0 …
 * ```
 */
export const LISTERS: ReadonlyMap<string, ResourceLister> = new Map(
  await Promise.all(
    REMEDIATIONS.map(async (r) => {
      const { list } = (await import(`./${r.id}/list.ts`)) as { list: ResourceLister };
      return [r.id, list] as const;
    }),
  ),
);

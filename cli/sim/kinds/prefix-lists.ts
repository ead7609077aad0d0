import {
  DescribeManagedPrefixListsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import { defineKind, regionSlot, type SimFragment, type SimInput, type SimSnapshotReader } from '../kind.js';
import { paginate } from '../paging.js';
import { cidrText } from './schema-parts.js';
import type { SimSecurityGroup } from './security-groups.js';

/** Managed prefix lists (EC2): what security group rules and routes may name as a source or destination. */

const entrySchema = z.object({ Cidr: cidrText, Description: z.string().optional() });

const prefixListSchema = z
  .object({
    PrefixListId: z.string().regex(/^pl-[0-9a-zA-Z]+$/, 'expected pl-…'),
    Entries: z.array(entrySchema).default(() => []),
  })
  .loose();

/** SDK `ManagedPrefixList` + `Entries` (SDK `PrefixListEntry[]`). */
export type SimPrefixList = z.output<typeof prefixListSchema>;

const slot = regionSlot({ prefixLists: z.array(prefixListSchema).default(() => []) });

function getManagedPrefixListEntries(ctx: SimCallContext, input: SimInput) {
  const list = slot.in(ctx).prefixLists.find((p) => p.PrefixListId === input.PrefixListId);
  if (!list) {
    throw new SimApiError(
      'InvalidPrefixListID.NotFound',
      `The prefix list ID '${input.PrefixListId}' does not exist`,
    );
  }
  const { page, next } = paginate(list.Entries, input.MaxResults, input.NextToken, 100);
  return { Entries: structuredClone(page), ...(next ? { NextToken: next } : {}) };
}

function describeManagedPrefixLists(ctx: SimCallContext, input: SimInput) {
  let lists = slot.in(ctx).prefixLists;
  if (input.PrefixListIds?.length) {
    for (const id of input.PrefixListIds as string[]) {
      if (!lists.some((p) => p.PrefixListId === id)) {
        throw new SimApiError('InvalidPrefixListID.NotFound', `The prefix list ID '${id}' does not exist`);
      }
    }
    lists = lists.filter((p) => (input.PrefixListIds as string[]).includes(p.PrefixListId));
  }
  const { page, next } = paginate(lists, input.MaxResults, input.NextToken, 100);
  return {
    PrefixLists: page.map(({ Entries: _e, ...rest }) => structuredClone(rest)),
    ...(next ? { NextToken: next } : {}),
  };
}

/** A prefix list for a scenario. */
export function prefixList(spec: {
  readonly id: string;
  readonly name?: string;
  readonly addressFamily?: 'IPv4' | 'IPv6';
  readonly maxEntries?: number;
  readonly entries: readonly { readonly Cidr: string; readonly Description?: string }[];
}): SimFragment {
  return slot.fragment((view) => {
    view.prefixLists.push({
      PrefixListId: spec.id,
      ...(spec.name !== undefined ? { PrefixListName: spec.name } : {}),
      ...(spec.addressFamily ? { AddressFamily: spec.addressFamily } : {}),
      ...(spec.maxEntries !== undefined ? { MaxEntries: spec.maxEntries } : {}),
      Entries: spec.entries.map((e) => ({ ...e })),
    });
  });
}

/** The prefix lists the region's security group rules name (read before: kinds are read in registry order). */
async function snapshotPrefixLists(read: SimSnapshotReader) {
  const groups = (read.region.securityGroups ?? []) as SimSecurityGroup[];
  const ids = [
    ...new Set(groups.flatMap((g) => g.Rules.map((r) => r.PrefixListId)).filter((id): id is string => !!id)),
  ];
  if (!ids.length) return {};
  const ec2 = read.clients.get(EC2Client, read.scope);
  const lists = await read.attempt(
    'ec2:DescribeManagedPrefixLists',
    async () =>
      (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: ids }))).PrefixLists ?? [],
  );
  const out: SimPrefixList[] = [];
  for (const list of lists ?? []) {
    const entries = await read.attempt('ec2:GetManagedPrefixListEntries', () =>
      read.pages(async (NextToken) => {
        const page = await ec2.send(
          new GetManagedPrefixListEntriesCommand({
            PrefixListId: list.PrefixListId,
            MaxResults: 100,
            NextToken,
          }),
        );
        return { items: page.Entries, next: page.NextToken };
      }),
    );
    out.push({
      ...read.plain(list),
      PrefixListId: list.PrefixListId!,
      Entries: read.plain(entries ?? []),
    } as SimPrefixList);
  }
  return { prefixLists: out };
}

/** The prefix lists kind. */
export const prefixLists = defineKind('prefix lists', slot, {
  apis: {
    ec2: {
      GetManagedPrefixListEntries: getManagedPrefixListEntries,
      DescribeManagedPrefixLists: describeManagedPrefixLists,
    },
  },
  summarize: (view) =>
    view.prefixLists.map((p) => ({
      kind: 'prefix list',
      id: p.PrefixListId,
      detail: `${p.Entries.length} entr${p.Entries.length === 1 ? 'y' : 'ies'}`,
    })),
  sample: () => [
    prefixList({
      id: 'pl-0123456abcabcabc1',
      name: 'corporate',
      addressFamily: 'IPv4',
      maxEntries: 10,
      entries: [{ Cidr: '10.0.0.0/8', Description: 'corporate' }],
    }),
  ],
  snapshot: snapshotPrefixLists,
});

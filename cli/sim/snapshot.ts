import {
  DescribeManagedPrefixListsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeTransitGatewayRouteTablesCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
  type RouteTable,
  SearchTransitGatewayRoutesCommand,
  type SecurityGroup,
  type SecurityGroupRule,
  type TransitGatewayRouteTable,
} from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import {
  GetBucketLocationCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError, errorCode } from '../../shared/errors.js';
import {
  emptyRegion,
  parseSimState,
  type SimBucket,
  type SimCluster,
  type SimPrefixList,
  type SimRegion,
  type SimSecurityGroup,
  type SimState,
  type SimTransitGatewayRouteTable,
} from './state.js';

export interface SnapshotResult {
  readonly state: SimState;
  /** Reads that failed (permissions, unsupported services): the state lacks those resources. */
  readonly warnings: readonly string[];
}

/** Dates to ISO strings, `$metadata` dropped: the JSON form the state file holds. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === '$metadata' ? undefined : v))) as T;
}

/**
 * Reads an account's resources in one region, read-only, into a simulator state: security groups
 * with their rules, the prefix lists they name, route tables, transit gateway route tables and
 * their routes, EKS clusters, and the region's S3 buckets (public access block and Object Lock
 * configuration; no objects). A read that fails is a warning, not a failure.
 *
 * @example
 * ```ts
 * const { state, warnings } = await snapshotAccount(createClientFactory(), 'eu-west-2');
 * ```
 */
export async function snapshotAccount(clients: ClientFactory, region: string): Promise<SnapshotResult> {
  const warnings: string[] = [];
  const identity = await clients.get(STSClient, { region }).send(new GetCallerIdentityCommand({}));
  const account = identity.Account;
  if (!account) throw new Error('sts:GetCallerIdentity returned no account');
  const scope = { region, account };
  const ec2 = clients.get(EC2Client, scope);
  const out: SimRegion = emptyRegion();

  const attempt = async <T>(api: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      const d = describeError(error);
      warnings.push(`${api}: ${d.name}: ${d.message}`);
      return undefined;
    }
  };

  // security groups and their rules
  const groups: SecurityGroup[] = [];
  const rules: SecurityGroupRule[] = [];
  await attempt('ec2:DescribeSecurityGroups', async () => {
    let token: string | undefined;
    do {
      const page = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 1000, NextToken: token }));
      groups.push(...(page.SecurityGroups ?? []));
      token = page.NextToken;
    } while (token);
  });
  await attempt('ec2:DescribeSecurityGroupRules', async () => {
    let token: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeSecurityGroupRulesCommand({ MaxResults: 1000, NextToken: token }),
      );
      rules.push(...(page.SecurityGroupRules ?? []));
      token = page.NextToken;
    } while (token);
  });
  out.securityGroups = groups.map((g) => {
    const { IpPermissions: _i, IpPermissionsEgress: _e, ...rest } = plain(g);
    return {
      ...rest,
      GroupId: g.GroupId!,
      Rules: plain(rules.filter((r) => r.GroupId === g.GroupId)),
    } as SimSecurityGroup;
  });

  // the prefix lists the rules name
  const listIds = [...new Set(rules.map((r) => r.PrefixListId).filter((id): id is string => Boolean(id)))];
  if (listIds.length) {
    const lists = await attempt(
      'ec2:DescribeManagedPrefixLists',
      async () =>
        (await ec2.send(new DescribeManagedPrefixListsCommand({ PrefixListIds: listIds }))).PrefixLists ?? [],
    );
    for (const list of lists ?? []) {
      const entries = await attempt('ec2:GetManagedPrefixListEntries', async () => {
        const all = [];
        let token: string | undefined;
        do {
          const page = await ec2.send(
            new GetManagedPrefixListEntriesCommand({
              PrefixListId: list.PrefixListId,
              MaxResults: 100,
              NextToken: token,
            }),
          );
          all.push(...(page.Entries ?? []));
          token = page.NextToken;
        } while (token);
        return all;
      });
      out.prefixLists.push({
        ...plain(list),
        PrefixListId: list.PrefixListId!,
        Entries: plain(entries ?? []),
      } as SimPrefixList);
    }
  }

  // route tables
  await attempt('ec2:DescribeRouteTables', async () => {
    const tables: RouteTable[] = [];
    let token: string | undefined;
    do {
      const page = await ec2.send(new DescribeRouteTablesCommand({ MaxResults: 100, NextToken: token }));
      tables.push(...(page.RouteTables ?? []));
      token = page.NextToken;
    } while (token);
    out.routeTables = plain(tables);
  });

  // transit gateway route tables and their routes
  await attempt('ec2:DescribeTransitGatewayRouteTables', async () => {
    const tables: TransitGatewayRouteTable[] = [];
    let token: string | undefined;
    do {
      const page = await ec2.send(
        new DescribeTransitGatewayRouteTablesCommand({ MaxResults: 1000, NextToken: token }),
      );
      tables.push(...(page.TransitGatewayRouteTables ?? []));
      token = page.NextToken;
    } while (token);
    for (const t of tables) {
      const search = await attempt('ec2:SearchTransitGatewayRoutes', () =>
        ec2.send(
          new SearchTransitGatewayRoutesCommand({
            TransitGatewayRouteTableId: t.TransitGatewayRouteTableId,
            Filters: [{ Name: 'type', Values: ['static', 'propagated'] }],
            MaxResults: 1000,
          }),
        ),
      );
      if (search?.AdditionalRoutesAvailable) {
        warnings.push(
          `ec2:SearchTransitGatewayRoutes: ${t.TransitGatewayRouteTableId} has more than 1000 routes; only 1000 kept`,
        );
      }
      out.transitGatewayRouteTables.push({
        ...plain(t),
        TransitGatewayRouteTableId: t.TransitGatewayRouteTableId!,
        Routes: plain(search?.Routes ?? []),
      } as SimTransitGatewayRouteTable);
    }
  });

  // EKS clusters
  const eks = clients.get(EKSClient, scope);
  await attempt('eks:ListClusters', async () => {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await eks.send(new ListClustersCommand({ nextToken: token }));
      names.push(...(page.clusters ?? []));
      token = page.nextToken;
    } while (token);
    for (const name of names) {
      const described = await attempt('eks:DescribeCluster', () =>
        eks.send(new DescribeClusterCommand({ name })),
      );
      if (described?.cluster) out.eksClusters.push({ ...plain(described.cluster), name } as SimCluster);
    }
  });

  // the region's S3 buckets (settings only, no objects)
  const buckets: Record<string, SimBucket> = {};
  const s3 = clients.get(S3Client, scope);
  await attempt('s3:ListBuckets', async () => {
    const listed = await s3.send(new ListBucketsCommand({}));
    for (const b of listed.Buckets ?? []) {
      if (!b.Name) continue;
      let where = b.BucketRegion;
      if (!where) {
        const location = await attempt('s3:GetBucketLocation', () =>
          s3.send(new GetBucketLocationCommand({ Bucket: b.Name })),
        );
        where = location ? (location.LocationConstraint ?? 'us-east-1') : undefined;
      }
      if (where !== region) continue;
      const bucket: SimBucket = { region, publicAccessBlock: null, objects: [] };
      try {
        const pab = await s3.send(new GetPublicAccessBlockCommand({ Bucket: b.Name }));
        bucket.publicAccessBlock = plain(pab.PublicAccessBlockConfiguration ?? null);
      } catch (error) {
        if (errorCode(error) !== 'NoSuchPublicAccessBlockConfiguration') {
          warnings.push(`s3:GetPublicAccessBlock ${b.Name}: ${describeError(error).name}`);
        }
      }
      try {
        const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: b.Name }));
        if (lock.ObjectLockConfiguration)
          bucket.objectLock = plain(lock.ObjectLockConfiguration) as SimBucket['objectLock'];
      } catch (error) {
        if (errorCode(error) !== 'ObjectLockConfigurationNotFoundError') {
          warnings.push(`s3:GetObjectLockConfiguration ${b.Name}: ${describeError(error).name}`);
        }
      }
      buckets[b.Name] = bucket;
    }
  });

  const state = parseSimState(
    {
      version: 1,
      seed: 1,
      sequence: 0,
      faults: [],
      settings: {},
      accounts: { [account]: { roles: [], buckets, regions: { [region]: out } } },
    },
    `snapshot of ${account} ${region}`,
  );
  return { state, warnings };
}

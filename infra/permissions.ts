/**
 * Least privilege, derived from the registries: each function's role holds exactly the actions its
 * descriptor declares plus the fixed set the shared pipeline needs, each scoped to the narrowest
 * resource the action's API allows. No wildcard actions anywhere.
 */

/** What every remediation function needs around its own work: the shared pipeline and its runtime. */
export const PIPELINE_ACTIONS = {
  /** Idempotency records (Powertools) and the blast-radius counters, in the airlock table. */
  table: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  /** One audit object per record under the audit prefix (never read, never deleted). */
  audit: ['s3:PutObject'],
  /** The settings override and the exemption register. */
  parameters: ['ssm:GetParameter'],
  /** The airlock key encrypts the table, the audit bucket and the dead-letter queue. */
  key: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
  /** The on-failure destination: Lambda sends the failed event with the function's own role. */
  deadLetter: ['sqs:SendMessage'],
} as const;

/** What every function in the VPC needs to run at all: its log stream and its network interfaces. */
export const RUNTIME_ACTIONS = {
  logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  vpc: [
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DeleteNetworkInterface',
    'ec2:AssignPrivateIpAddresses',
    'ec2:UnassignPrivateIpAddresses',
  ],
} as const;

/** The fixed actions of a remediation function's role, beside its descriptor's read + write. */
export const REMEDIATION_FIXED_ACTIONS: readonly string[] = [
  ...Object.values(PIPELINE_ACTIONS).flat(),
  ...Object.values(RUNTIME_ACTIONS).flat(),
];

/**
 * The fixed actions of an evaluator's role: the runtime, and the dead-letter queue (it writes no audit
 * record and reads no settings parameter: it only reports to Config).
 */
export const EVALUATOR_FIXED_ACTIONS: readonly string[] = [
  ...Object.values(RUNTIME_ACTIONS).flat(),
  ...PIPELINE_ACTIONS.deadLetter,
  'kms:Decrypt',
  'kms:GenerateDataKey',
];

/**
 * Actions whose API supports no resource-level permission: AWS documents `*` as their only resource
 * (Service Authorization Reference). Every EC2 `Describe*` is one of them, as are Config's
 * `PutEvaluations` and the ENI listing Lambda needs. An action here is the only one granted on `*`.
 */
export const STAR_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  'ec2:DescribeSecurityGroupRules',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeRouteTables',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeTransitGatewayRouteTables',
  'ec2:DescribeTransitGatewayAttachments',
  'ec2:DescribeTransitGateways',
  'ec2:DescribeManagedPrefixLists',
  'ec2:DescribeNatGateways',
  'ec2:DescribeInternetGateways',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'ec2:DescribeTags',
  'config:PutEvaluations',
  'config:GetResourceConfigHistory',
  'eks:ListClusters',
  's3:ListAllMyBuckets',
  'sts:GetCallerIdentity',
]);

/** Where the functions act: the account and region of the deployment. */
export interface Scope {
  readonly partition: string;
  readonly account: string;
  readonly region: string;
  /** The parameters a function may read: the settings override (and, for remediations, the exemptions). */
  readonly parameters?: readonly string[];
}

/**
 * The narrowest resources an action of a remediation or evaluator may act on. Resource ids are not
 * known at deploy time (Config names them at run time), so a remediation's writes are scoped to the
 * resource type in this account and region; S3 bucket ARNs carry no account, so S3 actions carry an
 * `s3:ResourceAccount` condition instead.
 */
export function resourcesFor(
  action: string,
  s: Scope,
): { resources: string[]; condition?: Record<string, unknown> } {
  if (STAR_ONLY_ACTIONS.has(action)) return { resources: ['*'] };
  const [service, api = ''] = action.split(':') as [string, string | undefined];
  const arn = (svc: string, resource: string, account = s.account) =>
    `arn:${s.partition}:${svc}:${s.region}:${account}:${resource}`;
  switch (service) {
    case 'ec2': {
      if (/SecurityGroup(Ingress|Egress)$/.test(api)) {
        return { resources: [arn('ec2', 'security-group/*'), arn('ec2', 'security-group-rule/*')] };
      }
      if (api === 'GetManagedPrefixListEntries') {
        // AWS-managed prefix lists are owned by the account "aws", not ours
        return { resources: [arn('ec2', 'prefix-list/*', '*')] };
      }
      if (/^(Create|Delete|Replace)Route$/.test(api)) return { resources: [arn('ec2', 'route-table/*')] };
      if (/TransitGatewayRoute$|^SearchTransitGatewayRoutes$|^GetTransitGatewayRouteTable/.test(api)) {
        return { resources: [arn('ec2', 'transit-gateway-route-table/*')] };
      }
      break;
    }
    case 's3':
      return {
        resources: [`arn:${s.partition}:s3:::*`],
        condition: { StringEquals: { 's3:ResourceAccount': s.account } },
      };
    case 'eks':
      return { resources: [arn('eks', 'cluster/*')] };
    case 'config':
      // rule ARNs carry an id Config assigns at creation, not the name: the type is the narrowest
      return { resources: [arn('config', 'config-rule/*')] };
    case 'ssm':
      if (api === 'GetParameter' && s.parameters?.length) return { resources: [...s.parameters] };
      break;
  }
  throw new Error(
    `no resource scope known for ${action}: add it to infra/permissions.ts (or to STAR_ONLY_ACTIONS if AWS documents only "*")`,
  );
}

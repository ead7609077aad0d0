import { createHash } from 'node:crypto';
import type { SimChange } from './cloud.js';

/** Who made a change, as CloudTrail's `userIdentity` and `sourceIPAddress` would say. */
export interface SimCaller {
  /** The role the caller's session was issued by: `arn:aws:iam::111122223333:role/PlatformAdmin`. */
  readonly roleArn: string;
  readonly sessionName: string;
  readonly sourceIp: string;
  readonly userAgent?: string;
}

const SERVICE_SOURCES: Record<string, { eventSource: string; source: string }> = {
  ec2: { eventSource: 'ec2.amazonaws.com', source: 'aws.ec2' },
  s3: { eventSource: 's3.amazonaws.com', source: 'aws.s3' },
  eks: { eventSource: 'eks.amazonaws.com', source: 'aws.eks' },
};

/** EC2 APIs whose CloudTrail request parameters are wrapped as `{ <Api>Request: { …PascalCase } }`. */
const WRAPPED_EC2 = /^(ModifySecurityGroupRules|.*TransitGateway.*)$/;

const lowerFirst = (k: string) => (k ? k[0]!.toLowerCase() + k.slice(1) : k);

/** EC2 query-API style, as CloudTrail records it: lowerCamel keys, lists as `{ items: [...] }`. */
function ec2QueryStyle(value: unknown): unknown {
  if (Array.isArray(value)) return { items: value.map(ec2QueryStyle) };
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k === 'IpRanges' ? 'ipRanges' : k === 'CidrIp' ? 'cidrIp' : lowerFirst(k),
        ec2QueryStyle(v),
      ]),
    );
  }
  return value;
}

function requestParameters(
  service: string,
  api: string,
  input: Record<string, unknown>,
): Record<string, unknown> {
  if (service === 'ec2') {
    return WRAPPED_EC2.test(api)
      ? { [`${api}Request`]: input }
      : (ec2QueryStyle(input) as Record<string, unknown>);
  }
  if (service === 's3') {
    const { Bucket, ...rest } = input;
    return { bucketName: Bucket, Host: `${String(Bucket)}.s3.amazonaws.com`, ...rest };
  }
  return input;
}

/** The CloudTrail event name of an SDK API (S3's public-access-block calls are named after the bucket). */
export function cloudTrailEventName(service: string, api: string): string {
  if (service === 's3' && api === 'PutPublicAccessBlock') return 'PutBucketPublicAccessBlock';
  if (service === 's3' && api === 'DeletePublicAccessBlock') return 'DeleteBucketPublicAccessBlock';
  return api;
}

/**
 * The "AWS API Call via CloudTrail" event, as EventBridge delivers it, for a change made through the
 * simulated account: what a test or the demo feeds to airlock to watch the fast path react.
 * Undefined for services CloudTrail events are not routed for (DynamoDB, SSM...).
 */
export function cloudTrailEventFor(change: SimChange, caller: SimCaller, sequence = 0) {
  const [service = '', api = ''] = change.api.split(':');
  const src = SERVICE_SOURCES[service];
  if (!src) return undefined;
  const id = createHash('sha256')
    .update(`${change.time}|${change.api}|${change.resourceId}|${sequence}`)
    .digest('hex');
  const uuid = `${id.slice(0, 8)}-${id.slice(8, 12)}-4${id.slice(13, 16)}-8${id.slice(17, 20)}-${id.slice(20, 32)}`;
  const roleName = caller.roleArn.split('/').pop() ?? 'role';
  return {
    version: '0',
    id: uuid,
    'detail-type': 'AWS API Call via CloudTrail',
    source: src.source,
    account: change.account,
    time: change.time.replace(/\.\d{3}Z$/, 'Z'),
    region: change.region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: `AROASIMULATED:${caller.sessionName}`,
        arn: `arn:aws:sts::${change.account}:assumed-role/${roleName}/${caller.sessionName}`,
        accountId: change.account,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROASIMULATED',
            arn: caller.roleArn,
            accountId: change.account,
            userName: roleName,
          },
        },
      },
      eventTime: change.time.replace(/\.\d{3}Z$/, 'Z'),
      eventSource: src.eventSource,
      eventName: cloudTrailEventName(service, api),
      awsRegion: change.region,
      sourceIPAddress: caller.sourceIp,
      userAgent: caller.userAgent ?? 'aws-cli/2 simulated',
      requestParameters: requestParameters(service, api, change.requestParameters),
      responseElements: null,
      requestID: uuid,
      eventID: uuid,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: change.account,
      eventCategory: 'Management',
    },
  };
}

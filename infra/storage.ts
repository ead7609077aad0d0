import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { ParameterTier, StringParameter } from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { AuditCatalog } from './audit-catalog.js';
import type { AirlockContext } from './context.js';
import { Layer } from './layer.js';
import { NAMES } from './names.js';
import { acknowledgeStorage } from './storage-findings.js';

/**
 * What airlock keeps: the key, the audit trail (Object Lock bucket, its access logs, the Athena
 * catalog), the table (idempotency records, breaker counters) and the two parameters (the settings
 * override and the exemption register).
 */
export class AuditStorage extends Layer {
  readonly key: Key;
  readonly accessLogs: Bucket;
  readonly audit: Bucket;
  readonly auditBucketName: string;
  readonly table: Table;
  readonly settingsParameter: StringParameter;
  readonly exemptionsParameter: StringParameter;

  constructor(scope: Construct, id: string, props: { readonly context: AirlockContext }) {
    super(scope, id);
    const c = props.context;
    this.key = auditKey(this, c);
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      bucketName: `airlock-access-logs-${c.account}-${c.region}`,
      // S3 server access logging delivers only to buckets encrypted with S3-managed keys
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [
        {
          expiration: Duration.days(Math.max(c.auditRetentionDays, 365)),
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.auditBucketName = `airlock-audit-${c.account}-${c.region}`;
    this.audit = new Bucket(this, 'AuditTrail', {
      bucketName: this.auditBucketName,
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(Duration.days(c.auditRetentionDays)),
      serverAccessLogsBucket: this.accessLogs,
      serverAccessLogsPrefix: 'audit-trail/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new Table(this, 'State', {
      tableName: NAMES.table,
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.settingsParameter = new StringParameter(this, 'Settings', {
      parameterName: NAMES.settingsParameter,
      description:
        'airlock settings override (JSON): flip "mode" to dry-run to stop every write without a deploy',
      stringValue: JSON.stringify({ mode: c.mode }),
      tier: ParameterTier.STANDARD,
    });
    this.exemptionsParameter = new StringParameter(this, 'Exemptions', {
      parameterName: NAMES.exemptionsParameter,
      description: 'airlock exemption register (JSON array), controlled by the security team',
      stringValue: '[]',
      tier: ParameterTier.STANDARD,
    });
    new AuditCatalog(this, 'Catalog', { bucketName: this.auditBucketName, context: c });
    acknowledgeStorage(this);
  }
}

/** The airlock key, and what the logs and alarm services may do with it. */
function auditKey(scope: Construct, c: AirlockContext): Key {
  const key = new Key(scope, 'Key', {
    alias: 'alias/airlock',
    description: 'airlock: audit trail, table, dead-letter queue, logs, alarm topic',
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchLogsOfAirlockFunctions',
      principals: [new ServicePrincipal(`logs.${c.region}.amazonaws.com`)],
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': `arn:${c.partition}:logs:${c.region}:${c.account}:log-group:/aws/lambda/airlock-*`,
        },
      },
    }),
  );
  key.addToResourcePolicy(
    new PolicyStatement({
      sid: 'CloudWatchAlarmsToTheEncryptedTopic',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': c.account } },
    }),
  );
  return key;
}

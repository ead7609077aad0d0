import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type CfnKey, type IKey, Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
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
import { BUCKET_GUARDED_ACTIONS, denyOutsideBreakGlass, KEY_GUARDED_ACTIONS } from './break-glass.js';
import type { AirlockContext } from './context.js';
import { Layer } from './layer.js';
import { NAMES } from './names.js';
import { acknowledgeStorage } from './storage-findings.js';
import { AuditReplication, type PrimaryStorage, replicaSigningKey, signOnly } from './storage-replication.js';

export interface AuditStorageProps {
  readonly context: AirlockContext;
  /**
   * The roles that write audit records (the remediation functions'), by ARN: with the rollback
   * roles of the context, the only principals that may call `kms:Sign` on the signing key.
   */
  readonly signerRoleArns: readonly string[];
  /**
   * In a region other than the primary: the primary's storage. This region's audit bucket replicates
   * to the primary's, and its signing key is a replica of the primary's multi-region key.
   */
  readonly primary?: PrimaryStorage;
}

/**
 * What airlock keeps: the key, the audit trail (Object Lock bucket, its access logs, the Athena
 * catalog), the table (idempotency records, breaker counters) and the two parameters (the settings
 * override and the exemption register).
 */
export class AuditStorage extends Layer {
  readonly key: Key;
  /** The asymmetric key that signs every audit record (`AIRLOCK_SIGNING_KEY`); a replica outside the primary region. */
  readonly signingKey: IKey;
  /** Outside the primary region: the replication of the audit bucket to the primary's. */
  readonly replication?: AuditReplication;
  readonly accessLogs: Bucket;
  readonly audit: Bucket;
  readonly auditBucketName: string;
  readonly table: Table;
  readonly settingsParameter: StringParameter;
  readonly exemptionsParameter: StringParameter;

  constructor(scope: Construct, id: string, props: AuditStorageProps) {
    super(scope, id);
    const c = props.context;
    this.key = auditKey(this, c);
    this.signingKey = props.primary
      ? Key.fromKeyArn(
          this,
          'SigningKeyOfRegion',
          replicaSigningKey(this, props.primary.signingKeyArn, props.signerRoleArns, c).attrArn,
        )
      : signingKey(this, c, props.signerRoleArns);
    // buckets and table are named by CloudFormation: one left behind by a failed first deploy (a
    // bucket that received logs cannot be deleted) never collides with the next attempt
    this.accessLogs = new Bucket(this, 'AccessLogs', {
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
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.audit = new Bucket(this, 'AuditTrail', {
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
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.auditBucketName = this.audit.bucketName;
    this.guardAuditBucket(c);
    if (props.primary) {
      this.replication = new AuditReplication(this, 'Replication', {
        audit: this.audit,
        key: this.key,
        primary: props.primary,
        context: c,
      });
    }
    this.table = new Table(this, 'State', {
      partitionKey: { name: 'id', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiration',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      // DynamoDB deletion protection would make CloudFormation fail to delete the table when a first
      // deploy rolls back; the deletion policy keeps it on stack deletion and replacement
      deletionProtection: false,
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
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
    this.addOutputs();
  }

  /**
   * Nobody but the break-glass role may change the audit bucket's Object Lock configuration,
   * versioning or policy. The policy itself is kept when the stack goes (RETAIN): CloudFormation may
   * not delete it either, and deleting the bucket (on a rolled-back first deploy) removes it.
   */
  private guardAuditBucket(c: AirlockContext): void {
    this.audit.addToResourcePolicy(
      denyOutsideBreakGlass(
        'AuditTrailSettingsBreakGlassOnly',
        BUCKET_GUARDED_ACTIONS,
        [this.audit.bucketArn],
        c,
      ),
    );
    this.audit.policy?.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }

  /** Where the state is: the names CloudFormation gave (the CLI and operators read them here). */
  private addOutputs(): void {
    const outputs: Record<string, [string, string]> = {
      AuditBucketName: [this.audit.bucketName, 'the audit trail (airlock audit --bucket)'],
      AccessLogsBucketName: [this.accessLogs.bucketName, "the audit bucket's server access logs"],
      TableName: [this.table.tableName, 'idempotency records and breaker counters (--table)'],
      KeyArn: [this.key.keyArn, 'the airlock key'],
      SigningKeyArn: [
        this.signingKey.keyArn,
        'the key that signs audit records (airlock audit verify --signing-key)',
      ],
      SettingsParameterName: [this.settingsParameter.parameterName, 'the settings override'],
      ExemptionsParameterName: [this.exemptionsParameter.parameterName, 'the exemption register'],
    };
    for (const [id, [value, description]] of Object.entries(outputs)) {
      new CfnOutput(this, id, { value, description });
    }
  }
}

/** The airlock key, and what the logs and alarm services may do with it. */
function auditKey(scope: Construct, c: AirlockContext): Key {
  const key = new Key(scope, 'Key', {
    alias: 'alias/airlock',
    description: 'airlock: audit trail, table, dead-letter queue, logs, alarm topic',
    enableKeyRotation: true,
    // RETAIN, not RETAIN_ON_UPDATE_OR_DELETE: the key policy denies CloudFormation scheduling its
    // deletion, so a rolled-back first deploy could not delete it either (and would fail to roll
    // back); a key has no name, so the one left behind collides with nothing
    removalPolicy: RemovalPolicy.RETAIN,
  });
  guardKey(key, 'AuditKeyBreakGlassOnly', c);
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

/**
 * The key that signs audit records: asymmetric (ECC_NIST_P256, SIGN_VERIFY; KMS does not rotate
 * such keys: a new key is a new deploy, and readers keep the old public key). Guarded like the
 * airlock key (only the break-glass role may disable it, schedule its deletion or change its policy),
 * and nobody but airlock's record writers, the rollback roles and the break-glass role may sign with
 * it, whatever their IAM policies say: a signature is what tells a record airlock wrote from a forgery.
 * Reading its public key (`kms:GetPublicKey`, `kms:Verify`) is left to IAM in the account.
 */
function signingKey(scope: Construct, c: AirlockContext, signerRoleArns: readonly string[]): Key {
  const key = new Key(scope, 'SigningKey', {
    alias: 'alias/airlock-audit-signing',
    description: 'airlock: signs audit records (ECDSA P-256 over each record digest)',
    keySpec: KeySpec.ECC_NIST_P256,
    keyUsage: KeyUsage.SIGN_VERIFY,
    // with other regions: multi-region, their stacks hold replicas (one key id for every record)
    ...(c.regions.length > 1 ? { multiRegion: true } : {}),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  guardKey(key, 'SigningKeyBreakGlassOnly', c);
  key.addToResourcePolicy(signOnly(signerRoleArns, c));
  return key;
}

/** Only the break-glass role may disable the key, schedule its deletion or change its policy. */
function guardKey(key: Key, sid: string, c: AirlockContext): void {
  key.addToResourcePolicy(denyOutsideBreakGlass(sid, KEY_GUARDED_ACTIONS, ['*'], c));
  // KMS refuses a key policy that would lock the caller (CloudFormation) out of changing it: on
  // purpose here, only the break-glass role may change it
  (key.node.defaultChild as CfnKey).bypassPolicyLockoutSafetyCheck = true;
}

import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AccountRootPrincipal,
  AnyPrincipal,
  Effect,
  ManagedPolicy,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
} from 'aws-cdk-lib/aws-iam';
import { CfnAlias, CfnReplicaKey, type IKey } from 'aws-cdk-lib/aws-kms';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { denyOutsideBreakGlass, KEY_GUARDED_ACTIONS } from './break-glass.js';
import type { AirlockContext } from './context.js';
import { acknowledge, nagResource } from './nag.js';

/** What a region other than the primary learns of the primary's storage (cross-region references). */
export interface PrimaryStorage {
  /** The primary region's audit bucket: every region's records are replicated to it. */
  readonly auditBucketArn: string;
  /** The primary region's airlock key: it encrypts the replicas there. */
  readonly keyArn: string;
  /** The multi-region signing key: this region's replica signs with the same key id. */
  readonly signingKeyArn: string;
}

/** The replication role's actions, exactly: read the source's versions (and their lock), write replicas. */
export const REPLICATION_ACTIONS = {
  sourceBucket: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
  sourceObjects: [
    's3:GetObjectVersionForReplication',
    's3:GetObjectVersionAcl',
    's3:GetObjectVersionTagging',
    's3:GetObjectRetention',
    's3:GetObjectLegalHold',
  ],
  destinationObjects: ['s3:ReplicateObject', 's3:ReplicateTags'],
  sourceKey: ['kms:Decrypt'],
  destinationKey: ['kms:Encrypt'],
} as const;

/**
 * Replicates a region's audit bucket to the primary region's: every object (and its Object Lock
 * retention, which S3 replicates with it), encrypted there with the primary's key. Delete markers are
 * not replicated (records are never deleted). The role may do exactly the replication actions, on
 * these two buckets and keys only, the keys only through S3 of their own region.
 */
export class AuditReplication extends Construct {
  readonly role: Role;

  constructor(
    scope: Construct,
    id: string,
    props: { audit: Bucket; key: IKey; primary: PrimaryStorage; context: AirlockContext },
  ) {
    super(scope, id);
    const { audit, key, primary, context: c } = props;
    const primaryRegion = c.regions[0]!;
    this.role = new Role(this, 'Role', {
      description: 'airlock: S3 replicates this region audit trail to the primary region',
      assumedBy: new ServicePrincipal('s3.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': c.account } },
      }),
    });
    const a = REPLICATION_ACTIONS;
    const policy = new ManagedPolicy(this, 'Policy', {
      description: 'airlock audit replication: exactly the replication actions on the two audit buckets',
      roles: [this.role],
      statements: [
        allow(a.sourceBucket, [audit.bucketArn]),
        allow(a.sourceObjects, [audit.arnForObjects('*')]),
        allow(a.destinationObjects, [`${primary.auditBucketArn}/*`]),
        keyUse(a.sourceKey, key.keyArn, c.region, audit.bucketArn),
        keyUse(a.destinationKey, primary.keyArn, primaryRegion, primary.auditBucketArn),
      ],
    });
    // the primary's bucket is a cross-region reference, resolved only once the app is prepared: the
    // findings are named then (tree validation runs after the references, before cdk-nag)
    this.node.addValidation({
      validate: () => {
        acknowledge(
          policy,
          [audit.arnForObjects('*'), `${primary.auditBucketArn}/*`].map((objects) => ({
            id: `AwsSolutions-IAM5[Resource::${nagResource(policy, objects)}]`,
            reason:
              'S3 replication reads every version of the records of this audit bucket and writes each to the primary audit bucket: the objects of those two buckets only.',
          })),
        );
        return [];
      },
    });
    (audit.node.defaultChild as CfnBucket).replicationConfiguration = {
      role: this.role.roleArn,
      rules: [
        {
          id: 'airlock-audit-to-primary',
          status: 'Enabled',
          priority: 1,
          filter: { prefix: '' },
          deleteMarkerReplication: { status: 'Disabled' },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
          destination: {
            bucket: primary.auditBucketArn,
            encryptionConfiguration: { replicaKmsKeyId: primary.keyArn },
          },
        },
      ],
    };
  }
}

const allow = (actions: readonly string[], resources: string[]) =>
  new PolicyStatement({ actions: [...actions], resources });

/** A key, only as S3 of its region uses it for the bucket (its ARN the context; with S3 Bucket Keys, the bucket's). */
function keyUse(actions: readonly string[], keyArn: string, region: string, bucketArn: string) {
  return new PolicyStatement({
    actions: [...actions],
    resources: [keyArn],
    conditions: {
      StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` },
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
    },
  });
}

/**
 * The signing key in a region other than the primary: a replica of the primary's multi-region key
 * (`AWS::KMS::ReplicaKey`: the same key material and key id `mrk-…`, so one public key verifies the
 * records of every region). Its policy is the primary's shape: only the break-glass role may disable
 * it, schedule its deletion or change its policy, and only this region's record writers, the rollback
 * roles and the break-glass role may sign.
 */
export function replicaSigningKey(
  scope: Construct,
  primarySigningKeyArn: string,
  signerRoleArns: readonly string[],
  c: AirlockContext,
): CfnReplicaKey {
  const policy = new PolicyDocument({
    statements: [
      new PolicyStatement({
        actions: ['kms:*'],
        principals: [new AccountRootPrincipal()],
        resources: ['*'],
      }),
      denyOutsideBreakGlass('SigningKeyBreakGlassOnly', KEY_GUARDED_ACTIONS, ['*'], c),
      signOnly(signerRoleArns, c),
    ],
  });
  const replica = new CfnReplicaKey(scope, 'SigningKeyReplica', {
    primaryKeyArn: primarySigningKeyArn,
    description: 'airlock: signs audit records (replica of the primary region signing key)',
    keyPolicy: policy,
  });
  // RETAIN, as the primary: its policy denies CloudFormation scheduling its deletion
  replica.applyRemovalPolicy(RemovalPolicy.RETAIN);
  new CfnAlias(scope, 'SigningKeyAlias', {
    aliasName: 'alias/airlock-audit-signing',
    targetKeyId: replica.attrKeyId,
  });
  return replica;
}

/** Nobody but the record writers, the rollback roles and the break-glass role may sign. */
export function signOnly(signerRoleArns: readonly string[], c: AirlockContext): PolicyStatement {
  return new PolicyStatement({
    sid: 'SignOnlyAirlockWriters',
    effect: Effect.DENY,
    principals: [new AnyPrincipal()],
    actions: ['kms:Sign'],
    resources: ['*'],
    conditions: {
      ArnNotEquals: {
        'aws:PrincipalArn': [...new Set([...signerRoleArns, ...c.rollbackRoleArns, c.breakGlassRoleArn])],
      },
    },
  });
}

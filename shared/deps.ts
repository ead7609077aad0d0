import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { eventBridgeSink } from './audit-publish.js';
import { type KmsPort, kmsSigner } from './audit-signer.js';
import type { AuditSink } from './audit-sinks.js';
import { fileSink, logSink, s3Sink, signedSinks } from './audit-sinks.js';
import { type Breaker, dynamoBreaker, memoryBreaker } from './breaker.js';
import type { ClientFactory } from './clients.js';
import { type DeferralClock, dynamoDeferralClock, memoryDeferralClock } from './deferrals.js';
import { deploymentClients } from './deployment-clients.js';
import { SettingsError } from './errors.js';
import type { ExemptionSource } from './exemptions.js';
import { type DynamoIdempotency, dynamoIdempotency } from './idempotency.js';
import { DEFER_CONTINUITY_MINUTES } from './pipeline/verdict.js';
import type { PipelineDeps } from './pipeline.js';
import { mergeSettings, parseSettings, type Settings, settingsFromEnv } from './settings.js';
import { parameterStore, settingsLoader } from './settings-loader.js';

export interface DepsOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly clients?: ClientFactory;
  /** Region of airlock's own resources (table, audit bucket, parameters). Default: AWS_REGION. */
  readonly homeRegion?: string;
  readonly logger?: Logger;
  /** Settings merged over the environment's (the harness' flags). */
  readonly settings?: Record<string, unknown>;
  readonly extraSinks?: readonly AuditSink[];
  readonly breaker?: Breaker;
  readonly actor?: PipelineDeps['actor'];
  readonly trigger?: PipelineDeps['trigger'];
  readonly modeOverride?: PipelineDeps['modeOverride'];
  readonly onRecord?: PipelineDeps['onRecord'];
  readonly now?: () => number;
}

export interface BuiltDeps extends PipelineDeps {
  /** Registers the Lambda context so an in-progress idempotency record expires with the invocation. */
  registerContext(context: Context): void;
  /** The static settings (environment + options), validated at start-up. */
  readonly staticSettings: Settings;
}

/**
 * Builds the pipeline's dependencies once per container from the environment: fails at start-up,
 * naming the setting, when a setting is invalid.
 *
 * @example
 * ```ts
 * const deps = createDeps('revoke-open-ssh'); // reads AIRLOCK_* and AWS_REGION
 * await runPipeline(event, revokeOpenSsh, deps);
 * ```
 */
export function createDeps(serviceName: string, options: DepsOptions = {}): BuiltDeps {
  const env = options.env ?? process.env;
  const raw = mergeSettings(settingsFromEnv(env), options.settings ?? {});
  const staticSettings = parseSettings(raw, 'environment');
  const homeRegion = options.homeRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const needsHome =
    staticSettings.table ||
    staticSettings.audit.bucket ||
    staticSettings.parameter ||
    staticSettings.exemptions.parameter ||
    staticSettings.signingKey;
  if (needsHome && !homeRegion) {
    throw new SettingsError(
      'AWS_REGION must be set: the table, audit bucket, parameters or signing key live in that region',
    );
  }
  const home = { region: homeRegion ?? 'us-east-1' };
  const clients = options.clients ?? deploymentClients(staticSettings, home);
  const logger = options.logger ?? new Logger({ serviceName });

  const ssm = parameterStore(clients, home);

  const settings = settingsLoader(raw, staticSettings, ssm);

  const exemptions: ExemptionSource | undefined = staticSettings.exemptions.parameter
    ? {
        load: async () => {
          const name = staticSettings.exemptions.parameter as string;
          const value = await (await ssm()).get(name, { maxAge: staticSettings.parameterMaxAgeSeconds });
          if (value === undefined) throw new Error(`parameter ${name} is empty`);
          return JSON.parse(String(value));
        },
      }
    : undefined;

  // the trail's sinks write each record signed when a signing key is set (one kms:Sign per record);
  // the log line keeps the digest only
  const trail: AuditSink[] = [];
  if (staticSettings.audit.bucket) {
    const s3 = clients.get(S3Client, home);
    trail.push(
      s3Sink(s3, staticSettings.audit.bucket, staticSettings.audit.prefix, {
        shortRetentionDays: staticSettings.audit.shortRetentionDays,
        ...(staticSettings.homeAccount ? { expectedOwner: staticSettings.homeAccount } : {}),
      }),
    );
  }
  const signingKey = staticSettings.signingKey;
  // the KMS client is loaded at the first signature (a chunk of its own in a bundle)
  const kms: KmsPort = {
    send: async (command) => clients.get((await import('./kms-client.js')).KMSClient, home).send(command),
  };
  const signer = signingKey ? kmsSigner(kms, signingKey) : undefined;
  // the local trail's checkpoint is signed with the same key
  if (staticSettings.audit.file) trail.push(fileSink(staticSettings.audit.file, signer ? { signer } : {}));
  trail.push(...publishingSinks(staticSettings, clients, home));
  trail.push(...(options.extraSinks ?? []));
  const sinks: AuditSink[] = [logSink(logger), ...(signer ? signedSinks(signer, trail) : trail)];

  const limits = () => staticSettings.blastRadius;
  let idempotency: DynamoIdempotency | undefined;
  let breaker: Breaker;
  // without a table, a container remembers the deferrals it saw
  let deferrals: DeferralClock = memoryDeferralClock(DEFER_CONTINUITY_MINUTES * 60_000);
  if (staticSettings.table) {
    const db = clients.get(DynamoDBClient, home);
    idempotency = dynamoIdempotency(db, {
      table: staticSettings.table,
      expiresAfterSeconds: staticSettings.idempotencyTtlSeconds,
      keyPrefix: `airlock#${serviceName}`,
      logger,
    });
    breaker = options.breaker ?? dynamoBreaker(db, staticSettings.table, limits);
    deferrals = dynamoDeferralClock(db, staticSettings.table, DEFER_CONTINUITY_MINUTES * 60_000);
  } else {
    logger.warn('no idempotency table set (AIRLOCK_TABLE): duplicate events are not detected');
    breaker = options.breaker ?? memoryBreaker(limits);
  }

  return {
    clients,
    logger,
    settings,
    sinks,
    breaker,
    deferrals,
    ...(exemptions ? { exemptions } : {}),
    ...(idempotency ? { idempotency: idempotency.guard } : {}),
    actor: options.actor ?? { type: 'function', name: env.AWS_LAMBDA_FUNCTION_NAME ?? serviceName },
    ...(options.trigger ? { trigger: options.trigger } : {}),
    ...(options.modeOverride ? { modeOverride: options.modeOverride } : {}),
    ...(options.onRecord ? { onRecord: options.onRecord } : {}),
    ...(options.now ? { now: options.now } : {}),
    staticSettings,
    registerContext(context) {
      idempotency?.registerContext(context);
    },
  };
}

/** The SOC's own tools: each record on the event bus (its client loaded at the first record). */
function publishingSinks(settings: Settings, clients: ClientFactory, home: { region: string }): AuditSink[] {
  if (!settings.audit.eventBus) return [];
  const events = async () => clients.get((await import('./events-client.js')).EventBridgeClient, home);
  return [eventBridgeSink(events, settings.audit.eventBus)];
}

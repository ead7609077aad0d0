import * as z from 'zod/mini';
import { SettingsError } from './errors.js';
import { ACCOUNT_ID, REGION } from './resource-id.js';
import { DECLARED_RULE_NAME } from './rule-names.js';
import './zod.js';

export const Mode = { enforce: 'enforce', dryRun: 'dry-run' } as const;
export type Mode = (typeof Mode)[keyof typeof Mode];

const ModeSchema = z.enum(['enforce', 'dry-run']);
const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const posInt = z.number().check(z.int(), z.positive());
const regionList = z
  .array(z.string().check(z.regex(REGION, 'must be a region name')))
  .check(z.minLength(1), z.maxLength(50));

/** Per-remediation overrides: its mode (kill switch), the rule names it accepts, its own settings. */
export const RemediationOverrideSchema = z.strictObject({
  mode: z.optional(ModeSchema),
  configRuleNames: z.optional(
    z
      .array(
        z
          .string()
          .check(
            z.regex(
              DECLARED_RULE_NAME,
              'must be a Config rule name (letters, digits, - and _, * as a wildcard)',
            ),
          ),
      )
      .check(z.maxLength(100)),
  ),
  settings: z.optional(z.record(z.string(), z.unknown())),
});

/**
 * airlock's runtime settings. Set by the deployment as environment variables, overridable at run
 * time by a JSON document in Parameter Store (same shape) so an operator can flip `mode` to
 * `dry-run` without a deploy.
 */
export const SettingsSchema = z.strictObject({
  /** `enforce` acts; `dry-run` plans and records PLANNED. The global kill switch. */
  mode: z._default(ModeSchema, 'dry-run'),
  /** Accounts the deployment may act in; `*` for any. */
  allowedAccounts: z._default(
    z.array(
      z.union([z.literal('*'), z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id or *'))]),
    ),
    [],
  ),
  /** Regions the deployment may act in; `*` for any. */
  allowedRegions: z._default(
    z.array(z.union([z.literal('*'), z.string().check(z.regex(REGION, 'must be a region name or *'))])),
    ['*'],
  ),
  /**
   * The regions this function can reach: those its network path serves (in a VPC, its own region's
   * endpoints). An event of another region is refused before any call. Unset: every region (the
   * harness, outside a VPC).
   */
  reachableRegions: z.optional(regionList),
  /** Every region airlock is deployed in (one central deployment each): named when a region is refused. */
  deploymentRegions: z.optional(regionList),
  remediations: z._default(z.record(z.string(), RemediationOverrideSchema), {}),
  exemptions: z._default(
    z.strictObject({
      /** Parameter Store name of the exemption register (a JSON array). Unset: no register. */
      parameter: z.optional(str(1, 2048)),
      /** When the register cannot be read: `act` (fail closed: remediate) or `stop` (fail the invocation, retried). */
      onUnreadable: z._default(z.enum(['act', 'stop']), 'act'),
      /** Longest exemption accepted, in days; longer ones are ignored (no permanent allowlists). */
      maxDays: z._default(z.number().check(z.int(), z.positive(), z.lte(366)), 90),
    }),
    { onUnreadable: 'act', maxDays: 90 },
  ),
  blastRadius: z._default(
    z.strictObject({
      /** Writes allowed per remediation and account within the window before the breaker trips. */
      maxWrites: z._default(posInt, 20),
      windowSeconds: z._default(posInt, 300),
    }),
    { maxWrites: 20, windowSeconds: 300 },
  ),
  /** DynamoDB table for idempotency and breaker counters. Unset: idempotency off (say so in logs). */
  table: z.optional(str(3, 255)),
  idempotencyTtlSeconds: z._default(posInt, 7 * 24 * 3600),
  audit: z._default(
    z.strictObject({
      bucket: z.optional(str(3, 63)),
      prefix: z._default(str(0, 256), 'audit/'),
      /** Local NDJSON trail (offline runs and the harness). */
      file: z.optional(str(1, 4096)),
      /**
       * Object Lock retention (compliance mode), in days from the record's time, of the records that
       * changed nothing (NOOP, PLANNED, REJECTED). Unset: every record keeps the bucket's default.
       */
      shortRetentionDays: z.optional(posInt),
      /** Publishes each record on this EventBridge bus (name or ARN): source `airlock`, detail-type `airlock audit record`. */
      eventBus: z.optional(str(1, 1600)),
    }),
    { prefix: 'audit/' },
  ),
  /**
   * airlock's own roles, by full ARN (account included): the central functions' roles. A CloudTrail
   * event for a call made in a session of one of them (the remediation's own write) ends NOOP with no
   * AWS call; so does one of the member role (`memberRole.name`) in the event's account. A role name
   * alone is refused: any account can create a role of that name.
   */
  ownPrincipals: z._default(
    z
      .array(
        z
          .string()
          .check(
            z.regex(
              /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
              'must be the full ARN of a role airlock deployed (arn:aws:iam::<account>:role/<name>): a role name alone matches that name in any account',
            ),
          ),
      )
      .check(z.maxLength(100)),
    [],
  ),
  /**
   * The role airlock assumes in member accounts (the member stack's `airlock-member`). Unset: airlock
   * acts with its own credentials in every account.
   */
  memberRole: z.optional(
    z.strictObject({
      name: z.string().check(z.regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name')),
      externalId: z.optional(
        z.string().check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be an STS external id (2-1224 characters)')),
      ),
    }),
  ),
  /** The account airlock runs in (the security account): events from it are handled without a member role. */
  homeAccount: z.optional(z.string().check(z.regex(ACCOUNT_ID, 'must be a 12-digit account id'))),
  /**
   * The asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs every audit record written to the
   * bucket or file (`kms:Sign`, message type DIGEST, over the record's digest): key id, key ARN, alias
   * name or alias ARN, in the home region. Unset: records carry a digest only, and say nothing of
   * who wrote them.
   */
  signingKey: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^(?:arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(?:key\/[\w-]{1,64}|alias\/[\w/+=,.@-]{1,250})|alias\/[\w/+=,.@-]{1,250}|[\w-]{1,64})$/,
          'must be a KMS key id, key ARN, alias name (alias/…) or alias ARN',
        ),
      ),
  ),
  /** Parameter Store name of the JSON override document, and how long it is cached. */
  parameter: z.optional(str(1, 2048)),
  parameterMaxAgeSeconds: z._default(z.number().check(z.int(), z.nonnegative()), 60),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** The environment variables airlock reads, each with what it sets. */
export const ENV = {
  AIRLOCK_MODE: 'mode',
  AIRLOCK_ALLOWED_ACCOUNTS: 'allowedAccounts (comma-separated, * for any)',
  AIRLOCK_ALLOWED_REGIONS: 'allowedRegions (comma-separated, * for any)',
  AIRLOCK_REACHABLE_REGIONS: 'reachableRegions (comma-separated: the regions this function can reach)',
  AIRLOCK_DEPLOYMENT_REGIONS: "deploymentRegions (comma-separated: the deployment's regions)",
  AIRLOCK_TABLE: 'table',
  AIRLOCK_AUDIT_BUCKET: 'audit.bucket',
  AIRLOCK_AUDIT_PREFIX: 'audit.prefix',
  AIRLOCK_AUDIT_FILE: 'audit.file',
  AIRLOCK_AUDIT_SHORT_RETENTION_DAYS: 'audit.shortRetentionDays (records that changed nothing)',
  AIRLOCK_EVENT_BUS: 'audit.eventBus (each record published on this EventBridge bus)',
  AIRLOCK_SETTINGS_PARAMETER: 'parameter',
  AIRLOCK_EXEMPTIONS_PARAMETER: 'exemptions.parameter',
  AIRLOCK_EXEMPTIONS_ON_UNREADABLE: 'exemptions.onUnreadable',
  AIRLOCK_BLAST_RADIUS_MAX_WRITES: 'blastRadius.maxWrites',
  AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS: 'blastRadius.windowSeconds',
  AIRLOCK_REMEDIATIONS: 'remediations (JSON object: id -> { mode, configRuleNames, settings })',
  AIRLOCK_OWN_PRINCIPALS: "ownPrincipals (comma-separated full ARNs of airlock's own roles)",
  AIRLOCK_MEMBER_ROLE_NAME: 'memberRole.name (the role assumed in member accounts)',
  AIRLOCK_MEMBER_EXTERNAL_ID: 'memberRole.externalId',
  AIRLOCK_HOME_ACCOUNT: 'homeAccount (the account airlock runs in)',
  AIRLOCK_SIGNING_KEY: 'signingKey (the KMS key that signs audit records: id, ARN or alias)',
} as const;

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function num(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new SettingsError(`${name} must be a number, got ${JSON.stringify(value)}`);
  return n;
}

/** Settings as the environment gives them (unparsed: {@link parseSettings} validates). */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const audit: Record<string, unknown> = {};
  const exemptions: Record<string, unknown> = {};
  const blastRadius: Record<string, unknown> = {};
  if (env.AIRLOCK_MODE) out.mode = env.AIRLOCK_MODE;
  if (env.AIRLOCK_ALLOWED_ACCOUNTS) out.allowedAccounts = list(env.AIRLOCK_ALLOWED_ACCOUNTS);
  if (env.AIRLOCK_ALLOWED_REGIONS) out.allowedRegions = list(env.AIRLOCK_ALLOWED_REGIONS);
  if (env.AIRLOCK_REACHABLE_REGIONS) out.reachableRegions = list(env.AIRLOCK_REACHABLE_REGIONS);
  if (env.AIRLOCK_DEPLOYMENT_REGIONS) out.deploymentRegions = list(env.AIRLOCK_DEPLOYMENT_REGIONS);
  if (env.AIRLOCK_TABLE) out.table = env.AIRLOCK_TABLE;
  if (env.AIRLOCK_OWN_PRINCIPALS) out.ownPrincipals = list(env.AIRLOCK_OWN_PRINCIPALS);
  if (env.AIRLOCK_MEMBER_ROLE_NAME) {
    out.memberRole = {
      name: env.AIRLOCK_MEMBER_ROLE_NAME,
      ...(env.AIRLOCK_MEMBER_EXTERNAL_ID ? { externalId: env.AIRLOCK_MEMBER_EXTERNAL_ID } : {}),
    };
  }
  if (env.AIRLOCK_HOME_ACCOUNT) out.homeAccount = env.AIRLOCK_HOME_ACCOUNT;
  if (env.AIRLOCK_SIGNING_KEY) out.signingKey = env.AIRLOCK_SIGNING_KEY;
  if (env.AIRLOCK_SETTINGS_PARAMETER) out.parameter = env.AIRLOCK_SETTINGS_PARAMETER;
  if (env.AIRLOCK_AUDIT_BUCKET) audit.bucket = env.AIRLOCK_AUDIT_BUCKET;
  if (env.AIRLOCK_AUDIT_PREFIX) audit.prefix = env.AIRLOCK_AUDIT_PREFIX;
  if (env.AIRLOCK_AUDIT_FILE) audit.file = env.AIRLOCK_AUDIT_FILE;
  if (env.AIRLOCK_EVENT_BUS) audit.eventBus = env.AIRLOCK_EVENT_BUS;
  if (env.AIRLOCK_AUDIT_SHORT_RETENTION_DAYS)
    audit.shortRetentionDays = num(
      'AIRLOCK_AUDIT_SHORT_RETENTION_DAYS',
      env.AIRLOCK_AUDIT_SHORT_RETENTION_DAYS,
    );
  if (env.AIRLOCK_EXEMPTIONS_PARAMETER) exemptions.parameter = env.AIRLOCK_EXEMPTIONS_PARAMETER;
  if (env.AIRLOCK_EXEMPTIONS_ON_UNREADABLE) exemptions.onUnreadable = env.AIRLOCK_EXEMPTIONS_ON_UNREADABLE;
  if (env.AIRLOCK_BLAST_RADIUS_MAX_WRITES)
    blastRadius.maxWrites = num('AIRLOCK_BLAST_RADIUS_MAX_WRITES', env.AIRLOCK_BLAST_RADIUS_MAX_WRITES);
  if (env.AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS)
    blastRadius.windowSeconds = num(
      'AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS',
      env.AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS,
    );
  if (env.AIRLOCK_REMEDIATIONS) {
    try {
      out.remediations = JSON.parse(env.AIRLOCK_REMEDIATIONS);
    } catch (cause) {
      throw new SettingsError('AIRLOCK_REMEDIATIONS is not valid JSON', { cause });
    }
  }
  if (Object.keys(audit).length) out.audit = audit;
  if (Object.keys(exemptions).length) out.exemptions = exemptions;
  if (Object.keys(blastRadius).length) out.blastRadius = blastRadius;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge of plain objects; arrays and scalars of `override` replace those of `base`. */
export function mergeSettings(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? mergeSettings(current, value) : value;
  }
  return out;
}

/**
 * Validates settings; the error names the setting and what is wrong with it.
 *
 * @example
 * ```ts
 * const settings = parseSettings(settingsFromEnv()); // SettingsError if AIRLOCK_MODE=on
 * ```
 */
export function parseSettings(raw: unknown, origin = 'settings'): Settings {
  const result = SettingsSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw new SettingsError(`${origin}: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** The effective mode of one remediation: its own override, else the global mode. */
export function modeFor(settings: Settings, remediationId: string): Mode {
  return settings.remediations[remediationId]?.mode ?? settings.mode;
}

/** True when the allowlist admits `value` (`*` admits everything). */
export function allowed(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}

import * as z from 'zod/mini';
import { DECLARED_RULE_NAME } from '../../shared/rule-names.js';
import { firstIssue } from '../../shared/zod.js';

/** The environment variables the sweep reads, each with what it sets. */
export const SWEEP_ENV = {
  AIRLOCK_SWEEP_QUEUE_URL: 'the dead-letter queue (on-failure destination of every airlock function)',
  AIRLOCK_SWEEP_TARGETS: 'JSON list: { remediation, functionName, resourceType, rules } per remediation',
  AIRLOCK_SWEEP_DROP_FUNCTIONS:
    'comma-separated function names whose failures are dropped (evaluators: Config re-evaluates)',
  AIRLOCK_SWEEP_GRACE_MINUTES: 'how long a NON_COMPLIANT result stands before the sweep re-drives it',
  AIRLOCK_SWEEP_MAX_INVOCATIONS: 'most re-driven invocations per run (dead letters and results together)',
  AIRLOCK_SWEEP_AGGREGATOR:
    "organization mode: the Config aggregator whose member accounts' NON_COMPLIANT results are re-driven",
  AIRLOCK_DEPLOYMENT_REGIONS:
    "comma-separated: the deployment's regions (results of other regions are skipped)",
} as const;

const name = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a function or remediation name'));
const count = (max: number) => z.number().check(z.int(), z.positive(), z.lte(max));

export const SweepTargetSchema = z.strictObject({
  remediation: name,
  functionName: name,
  resourceType: z.string().check(z.regex(/^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/, 'must be a resource type')),
  rules: z
    .array(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a Config rule name')))
    .check(z.maxLength(25)),
  /** The rule names the remediation accepts as declared (default: `rules`): matched with `shared/rule-names.ts`. */
  names: z.optional(
    z
      .array(z.string().check(z.regex(DECLARED_RULE_NAME, 'must be a declared rule name')))
      .check(z.maxLength(50)),
  ),
  /** Default names of its AWS managed rules (the Security Hub form of a name applies to these only). */
  managedNames: z.optional(
    z
      .array(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a Config rule name')))
      .check(z.maxLength(25)),
  ),
});
export type SweepTarget = z.infer<typeof SweepTargetSchema>;

export const SweepSettingsSchema = z.strictObject({
  queueUrl: z
    .string()
    .check(z.regex(/^https:\/\/sqs\.[a-z0-9.-]+\/\d{12}\/[A-Za-z0-9_-]{1,80}$/, 'must be an SQS queue URL')),
  targets: z.array(SweepTargetSchema).check(z.maxLength(100)),
  dropFunctions: z.array(name).check(z.maxLength(100)),
  graceMinutes: count(1440),
  maxInvocations: count(1000),
  aggregatorName: z.optional(
    z.string().check(z.regex(/^[\w-]{1,256}$/, 'must be a configuration aggregator name')),
  ),
  deploymentRegions: z
    .array(z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region')))
    .check(z.maxLength(30)),
});
export type SweepSettings = z.infer<typeof SweepSettingsSchema>;

/** Thrown at start-up when a setting is missing or malformed, naming it. */
export class SweepSettingsError extends Error {
  override readonly name = 'SweepSettingsError';
}

function required(env: NodeJS.ProcessEnv, key: keyof typeof SWEEP_ENV): string {
  const value = env[key];
  if (!value) throw new SweepSettingsError(`${key} must be set: ${SWEEP_ENV[key]}`);
  return value;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The sweep's settings from the environment; fails at start-up, naming the variable. */
export function sweepSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SweepSettings {
  let targets: unknown;
  try {
    targets = JSON.parse(required(env, 'AIRLOCK_SWEEP_TARGETS'));
  } catch (cause) {
    if (cause instanceof SweepSettingsError) throw cause;
    throw new SweepSettingsError('AIRLOCK_SWEEP_TARGETS is not valid JSON', { cause });
  }
  const result = SweepSettingsSchema.safeParse({
    queueUrl: required(env, 'AIRLOCK_SWEEP_QUEUE_URL'),
    targets,
    dropFunctions: list(env.AIRLOCK_SWEEP_DROP_FUNCTIONS),
    graceMinutes: Number(env.AIRLOCK_SWEEP_GRACE_MINUTES ?? 30),
    maxInvocations: Number(env.AIRLOCK_SWEEP_MAX_INVOCATIONS ?? 100),
    ...(env.AIRLOCK_SWEEP_AGGREGATOR ? { aggregatorName: env.AIRLOCK_SWEEP_AGGREGATOR } : {}),
    deploymentRegions: list(env.AIRLOCK_DEPLOYMENT_REGIONS),
  });
  if (!result.success) {
    throw new SweepSettingsError(`sweep settings: ${firstIssue(result.error)}`);
  }
  if (result.data.aggregatorName && result.data.deploymentRegions.length === 0) {
    throw new SweepSettingsError(
      `AIRLOCK_DEPLOYMENT_REGIONS must be set with AIRLOCK_SWEEP_AGGREGATOR: ${SWEEP_ENV.AIRLOCK_DEPLOYMENT_REGIONS}`,
    );
  }
  return result.data;
}

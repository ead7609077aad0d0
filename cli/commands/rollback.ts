import { userInfo } from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import { type Command, Option } from 'commander';
import type { AuditRecord } from '../../shared/audit-record.js';
import { signedSinks, writeToSinks } from '../../shared/audit-sinks.js';
import { createClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import { REGION } from '../../shared/resource-id.js';
import { awsClientOptions, resolveRegion } from '../audit/aws-options.js';
import { findRecord } from '../audit/find-record.js';
import { formatRollback } from '../audit/format-rollback.js';
import { type RollbackClaim, readClaim, writeClaim } from '../audit/rollback-claim.js';
import { planRollback, type RollbackPlan } from '../audit/rollback-plan.js';
import { runRollback } from '../audit/rollback-run.js';
import {
  kmsClientFor,
  resolveSigner,
  resolveVerifier,
  type SignatureFlags,
  signatureOptions,
} from '../audit/signatures.js';
import { loadRecords, resolveSource, type SourceFlags, sinkFor, type TrailSource } from '../audit/source.js';
import { wantsColour } from '../audit/terminal-text.js';
import { type BoundClients, bindToCallerAccount, type FactoryMaker } from '../caller-account.js';
import { CliError, ExitCode } from '../errors.js';
import type { SimulatedCloud } from '../sim/cloud.js';

interface RollbackFlags extends SourceFlags, SignatureFlags {
  readonly bucketRegion?: string;
  readonly mode: 'plan' | 'apply';
  readonly force?: boolean;
  readonly simState?: string;
  readonly operator?: string;
  readonly assumeRoleName?: string;
  readonly externalId?: string;
}

function operatorName(flag: string | undefined): string {
  if (flag) return flag;
  try {
    return process.env.USER ?? userInfo().username;
  } catch {
    return 'operator';
  }
}

export function registerRollback(program: Command): void {
  const command = program
    .command('rollback')
    .description(
      "Undo an APPLIED remediation from its audit record: the inverse of each applied step as the remediation's own undo derives it (the record's stored undo steps are only compared), last step first, each through the remediation's own apply (one write call each), in the record's account only. Refuses when the record is altered, unsigned or mis-signed, not APPLIED, aimed at another resource or account, already rolled back, the resource is gone, or it changed in a way that conflicts; writes its own (signed) audit record to the same trail.",
    )
    .argument('<record-id>', 'the id of the APPLIED record to undo')
    .option(
      '--file <path>',
      'the local NDJSON audit trail holding the record (the rollback record is appended to it)',
    )
    .option(
      '--bucket <name>',
      'the S3 audit bucket holding the record (the rollback record is written to it)',
    )
    .option('--prefix <prefix>', 'key prefix of the records in the bucket', 'audit/')
    .option('--bucket-owner <account>', 'the account that owns the audit bucket (ExpectedBucketOwner)')
    .addOption(
      new Option('--mode <mode>', 'plan: show what would be restored; apply: restore it')
        .choices(['plan', 'apply'])
        .default('plan'),
    )
    .option(
      '--force',
      'roll back despite a changed state (conflicting changes, record not APPLIED, already rolled back); never despite an untrusted record or another account',
    )
    .option('--sim-state <file>', 'act on the simulated account in this state file (saved back after apply)')
    .option(
      '--bucket-region <region>',
      "region of the audit bucket (the resource's region comes from the record)",
    )
    .addOption(new Option('--region <region>', 'the former name of --bucket-region').hideHelp())
    .option('--profile <name>', 'AWS profile from the shared config/credentials files')
    .option('--endpoint-url <url>', 'an AWS-compatible endpoint instead of AWS')
    .option(
      '--assume-role-name <name>',
      "the member role to assume in the record's account when it is not the credentials' own",
    )
    .option('--external-id <id>', 'external id for --assume-role-name')
    .option('--operator <name>', 'who runs the rollback, for the record (default: the login name)');
  signatureOptions(command, 'on: only a validly signed record is rolled back')
    .addHelpText(
      'after',
      `
The record must be signed by the trail's key (--signing-key, or --public-key PEM to check it
locally); the rollback's own record is signed with --signing-key (kms:Sign). An unsigned local
trail (an offline replay) is rolled back only with --no-require-signature.

Examples:
  airlock rollback 019a4b2c-5d6e-7f80-9a1b-2c3d4e5f6a7b --file audit.ndjson --sim-state account.json --signing-key alias/airlock-audit
  airlock rollback 019a4b2c-5d6e-7f80-9a1b-2c3d4e5f6a7b --file audit.ndjson --sim-state account.json --signing-key alias/airlock-audit --mode apply
  airlock rollback 019a4b2c-5d6e-7f80-9a1b-2c3d4e5f6a7b --bucket acme-airlock-audit --bucket-owner 111122223333 --bucket-region eu-west-2 --profile secops --signing-key arn:aws:kms:eu-west-2:111122223333:alias/airlock-audit --assume-role-name airlock-member --mode apply`,
    )
    .action(async (id: string, o: RollbackFlags) => {
      const required = o.requireSignature ?? true;
      const bucketRegion = o.bucketRegion ?? o.region;
      const source = resolveSource({ ...o, ...(bucketRegion ? { region: bucketRegion } : {}) });
      const sim = o.simState ? await openSim(o.simState) : undefined;
      const make: FactoryMaker = sim
        ? (extra) => sim.clientFactory(extra)
        : (extra) => createClientFactory({ ...awsClientOptions(o), ...extra });
      let bound: BoundClients | undefined;
      try {
        const record = await findRecord(source, id);
        bound = await bindToCallerAccount(make, {
          region: record.region && REGION.test(record.region) ? record.region : resolveRegion(o),
          ...(o.assumeRoleName ? { assumeRoleName: o.assumeRoleName } : {}),
          ...(o.externalId ? { externalId: o.externalId } : {}),
        });
        const clients = bound.clients;
        const kms = (key: string) =>
          kmsClientFor(clients, key, bucketRegion ?? process.env.AWS_REGION ?? record.region);
        const signer = resolveSigner(o, kms);
        if (required && !signer) {
          throw new CliError(
            'a rollback needs a signed trail: pass --signing-key (it checks the record and signs the rollback record; kms:Sign), or --no-require-signature for an unsigned local trail',
            ExitCode.BAD_INPUT,
          );
        }
        const verifier = await resolveVerifier(o, kms);
        const plan = await planRollback(
          record,
          {
            clients,
            logger: new Logger({ serviceName: 'airlock-rollback', logLevel: 'SILENT' }),
            callerAccount: bound.callerAccount,
            assumesRoles: bound.assumesRoles,
          },
          {
            ...(verifier ? { signature: await verifier.verify(record) } : {}),
            requireSignature: required,
            ...(await previousRollbacks(source, id)),
          },
        );
        const operator = operatorName(o.operator);
        const claimed = await claimRollback(source, plan, o, operator);
        const result = await runRollback(claimed, { mode: o.mode, force: Boolean(o.force), operator });
        if (sim && o.mode === 'apply' && result.record.steps.some((s) => s.result === 'applied')) {
          await sim.save(o.simState!);
        }
        const sinks = signer ? signedSinks(signer, [sinkFor(source)]) : [sinkFor(source)];
        const failures = await writeToSinks(sinks, result.record);
        process.stdout.write(formatRollback(claimed, result, { colour: wantsColour(process.stdout) }));
        if (failures.length) {
          throw new CliError(
            `the rollback's audit record ${result.record.id} could not be written: ${failures.map((f) => `${f.sink}: ${f.error.name}: ${f.error.message}`).join('; ')}`,
            ExitCode.FAILED,
          );
        }
        if (result.outcome === 'FAILED' || (o.mode === 'plan' && claimed.refusals.length && !o.force)) {
          process.exitCode = ExitCode.FAILED;
        }
      } finally {
        if (sim) await sim.close();
        bound?.clients.destroy();
        if (source.kind === 's3') source.clients.destroy();
      }
    });
}

/** What the trail says of earlier rollbacks of `id`: the local trail's rollback records, the S3 trail's claim. */
async function previousRollbacks(
  source: TrailSource,
  id: string,
): Promise<{ rolledBackBy?: AuditRecord[]; claim?: RollbackClaim }> {
  if (source.kind === 'file') {
    const records = await loadRecords(source, {}, Date.now());
    return { rolledBackBy: records.filter((r) => r.links?.rollbackOf === id) };
  }
  const claim = await readClaim(source.trail, id);
  return claim ? { claim } : {};
}

/**
 * On the S3 trail, claims the rollback before any undo step is sent (If-None-Match: a second claim
 * fails): a plan that someone else claimed meanwhile gets that refusal. Plan mode and refused or
 * local rollbacks claim nothing.
 */
async function claimRollback(
  source: TrailSource,
  plan: RollbackPlan,
  o: RollbackFlags,
  operator: string,
): Promise<RollbackPlan> {
  if (source.kind !== 's3' || o.mode !== 'apply') return plan;
  if (plan.refusals.length && !(o.force && plan.untrusted.length === 0)) return plan;
  const claim = {
    schema: 'airlock.rollback-claim/v1' as const,
    rollbackOf: plan.record.id,
    operator,
    time: new Date().toISOString(),
  };
  if (await writeClaim(source.trail, claim)) return plan;
  if (o.force) return { ...plan, warnings: [...plan.warnings, 'forced past an existing rollback claim'] };
  const existing = await readClaim(source.trail, plan.record.id);
  return {
    ...plan,
    refusals: [
      ...plan.refusals,
      `a rollback of the record was claimed meanwhile by ${existing?.operator ?? 'someone'} at ${existing?.time ?? '?'} (s3 claim)`,
    ],
  };
}

async function openSim(path: string): Promise<SimulatedCloud> {
  // loaded only when asked for: the simulator pulls in every service model and a local DynamoDB
  const { SimulatedCloud } = await import('../sim/cloud.js');
  try {
    // no local DynamoDB unless the state has tables: a rollback never needs one
    return await SimulatedCloud.create(path, { dynamodb: false }).catch((error: unknown) => {
      if (/dynamodb: false/.test(describeError(error).message)) return SimulatedCloud.create(path);
      throw error;
    });
  } catch (error) {
    throw new CliError(
      `cannot load the simulated account ${path}: ${describeError(error).message}`,
      ExitCode.BAD_INPUT,
      {
        cause: error,
      },
    );
  }
}

import { userInfo } from 'node:os';
import { Logger } from '@aws-lambda-powertools/logger';
import { type Command, Option } from 'commander';
import { writeToSinks } from '../../shared/audit-sinks.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import { awsClientFactory } from '../audit/aws-options.js';
import { findRecord } from '../audit/find-record.js';
import { formatRollback } from '../audit/format-rollback.js';
import { planRollback } from '../audit/rollback-plan.js';
import { runRollback } from '../audit/rollback-run.js';
import { loadRecords, resolveSource, type SourceFlags, sinkFor } from '../audit/source.js';
import { wantsColour } from '../audit/terminal-text.js';
import { CliError, ExitCode } from '../errors.js';
import type { SimulatedCloud } from '../sim/cloud.js';

interface RollbackFlags extends SourceFlags {
  readonly bucketRegion?: string;
  readonly mode: 'plan' | 'apply';
  readonly force?: boolean;
  readonly simState?: string;
  readonly operator?: string;
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
  program
    .command('rollback')
    .description(
      "Undo an APPLIED remediation from its audit record: the undo steps the record kept, last step first, each through the remediation's own apply (one write call each). Refuses when the record is altered or not APPLIED, the resource is gone, or it changed in a way that conflicts; writes its own audit record to the same trail.",
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
    .addOption(
      new Option('--mode <mode>', 'plan: show what would be restored; apply: restore it')
        .choices(['plan', 'apply'])
        .default('plan'),
    )
    .option(
      '--force',
      'roll back despite refusals (conflicting changes, record not APPLIED, digest not verified)',
    )
    .option('--sim-state <file>', 'act on the simulated account in this state file (saved back after apply)')
    .option(
      '--bucket-region <region>',
      "region of the audit bucket (the resource's region comes from the record)",
    )
    .addOption(new Option('--region <region>', 'the former name of --bucket-region').hideHelp())
    .option('--profile <name>', 'AWS profile from the shared config/credentials files')
    .option('--endpoint-url <url>', 'an AWS-compatible endpoint instead of AWS')
    .option('--operator <name>', 'who runs the rollback, for the record (default: the login name)')
    .addHelpText(
      'after',
      `
Examples:
  airlock rollback 019a4b2c-5d6e-7f80-9a1b-2c3d4e5f6a7b --file audit.ndjson --sim-state account.json
  airlock rollback 019a4b2c-5d6e-7f80-9a1b-2c3d4e5f6a7b --file audit.ndjson --sim-state account.json --mode apply
  airlock rollback 019a4b2c-5d6e-7f80-9a1b-2c3d4e5f6a7b --bucket acme-airlock-audit --bucket-region eu-west-2 --profile secops --mode apply`,
    )
    .action(async (id: string, o: RollbackFlags) => {
      const bucketRegion = o.bucketRegion ?? o.region;
      const source = resolveSource({ ...o, ...(bucketRegion ? { region: bucketRegion } : {}) });
      const record = await findRecord(source, id);
      const sim = o.simState ? await openSim(o.simState) : undefined;
      const clients: ClientFactory = sim ? sim.clientFactory() : awsClientFactory(o);
      try {
        const others =
          source.kind === 'file'
            ? (await loadRecords(source, {}, Date.now())).filter((r) => r.links?.rollbackOf === id)
            : [];
        const plan = await planRollback(
          record,
          { clients, logger: new Logger({ serviceName: 'airlock-rollback', logLevel: 'SILENT' }) },
          others,
        );
        const result = await runRollback(plan, {
          mode: o.mode,
          force: Boolean(o.force),
          operator: operatorName(o.operator),
        });
        if (sim && o.mode === 'apply' && result.record.steps.some((s) => s.result === 'applied')) {
          await sim.save(o.simState!);
        }
        const failures = await writeToSinks([sinkFor(source)], result.record);
        process.stdout.write(formatRollback(plan, result, { colour: wantsColour(process.stdout) }));
        if (failures.length) {
          throw new CliError(
            `the rollback's audit record ${result.record.id} could not be written: ${failures.map((f) => `${f.sink}: ${f.error.name}: ${f.error.message}`).join('; ')}`,
            ExitCode.FAILED,
          );
        }
        if (result.outcome === 'FAILED' || (o.mode === 'plan' && plan.refusals.length && !o.force)) {
          process.exitCode = ExitCode.FAILED;
        }
      } finally {
        if (sim) await sim.close();
        else clients.destroy();
      }
    });
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

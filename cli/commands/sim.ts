import { existsSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { createClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import { CliError, ExitCode } from '../errors.js';
import { sampleSimState } from '../sim/sample.js';
import { snapshotAccount } from '../sim/snapshot.js';
import { loadSimState, type SimState, SimStateError } from '../sim/state.js';
import { summarizeSimState } from '../sim/summary.js';
import { cell, renderTable } from '../table.js';

function writeState(path: string, state: SimState, force: boolean): void {
  if (existsSync(path) && !force) {
    throw new CliError(`${path} already exists: pass --force to overwrite it, or choose another file`);
  }
  try {
    writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`);
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`, ExitCode.FAILED);
  }
}

function readState(path: string): SimState {
  if (!existsSync(path))
    throw new CliError(`${path}: no such state file (create one with: airlock sim init ${path})`);
  try {
    return loadSimState(path);
  } catch (error) {
    if (error instanceof SimStateError) throw new CliError(error.message);
    throw error;
  }
}

/** `airlock sim`: create, inspect and capture state files of the embedded simulated account. */
export function registerSim(program: Command): void {
  const sim = program
    .command('sim')
    .description(
      'The embedded simulated AWS account: state files that `airlock replay --sim-state`, the demo and the tests run against.',
    )
    .addHelpText(
      'after',
      `
The state file format is described in cli/sim/README.md.

Examples:
  airlock sim init account.json
  airlock sim show account.json
  airlock sim snapshot --region eu-west-2 --profile audit-ro --out account.json`,
    );

  sim
    .command('init')
    .description(
      'Write a sample state: one account, one region, one violation of each kind beside resources that must stay.',
    )
    .argument('<file>', 'the state file to create')
    .option('--force', 'overwrite the file if it exists', false)
    .addHelpText(
      'after',
      `
Exit codes: 0 written, 2 the file exists (without --force) or cannot be written.

Examples:
  airlock sim init account.json
  airlock scan --sim-state account.json`,
    )
    .action((file: string, flags: { force: boolean }) => {
      writeState(file, sampleSimState(), flags.force);
      process.stdout.write(`wrote ${file}: a sample simulated account (see: airlock sim show ${file})\n`);
    });

  sim
    .command('show')
    .description('Summarise a state file: each resource with what matters to airlock.')
    .argument('<file>', 'the state file to read')
    .addOption(new Option('--output <format>', 'table or json').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      `
Exit codes: 0 shown, 2 the file is missing or not a valid state (the message names the bad field).

Examples:
  airlock sim show account.json
  airlock sim show account.json --output json`,
    )
    .action((file: string, flags: { output: 'table' | 'json' }) => {
      const state = readState(file);
      const rows = summarizeSimState(state);
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify({ faults: state.faults, resources: rows }, null, 2)}\n`);
        return;
      }
      const accounts = Object.keys(state.accounts).length;
      process.stdout.write(
        `${file}: ${accounts} account(s), ${rows.length} resource(s), seed ${state.seed}, ${state.faults.length} fault(s)\n\n`,
      );
      if (rows.length) {
        process.stdout.write(
          `${renderTable(
            ['ACCOUNT', 'REGION', 'KIND', 'ID', 'DETAIL'],
            rows.map((r) => [cell(r.account), cell(r.region), cell(r.kind), cell(r.id), cell(r.detail, 90)]),
          )}\n`,
        );
      }
      for (const f of state.faults) {
        process.stdout.write(
          `fault: ${f.kind} on ${f.api ?? '*'} at rate ${f.rate}${f.times !== undefined ? `, ${f.times} time(s)` : ''}\n`,
        );
      }
    });

  sim
    .command('snapshot')
    .description(
      'Read an account’s resources in one region (read-only calls) into a state file: security groups and rules, prefix lists they name, route tables, transit gateway route tables, EKS clusters, S3 bucket settings (no objects).',
    )
    .requiredOption('--region <region>', 'the region to read')
    .requiredOption('--out <file>', 'the state file to write')
    .option('--profile <name>', 'AWS profile (sets AWS_PROFILE)')
    .option('--endpoint-url <url>', 'an AWS-compatible endpoint for every service')
    .option('--force', 'overwrite --out if it exists', false)
    .addHelpText(
      'after',
      `
Reads that fail (missing permissions, a service the endpoint lacks) are reported and skipped.
Exit codes: 0 written, 1 the account could not be read at all, 2 bad flags or --out exists.

Example:
  airlock sim snapshot --region eu-west-2 --profile audit-ro --out account.json`,
    )
    .action(
      async (flags: {
        region: string;
        out: string;
        profile?: string;
        endpointUrl?: string;
        force: boolean;
      }) => {
        if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(flags.region)) {
          throw new CliError(
            `--region ${JSON.stringify(flags.region)} is not a region (eu-west-2, us-east-1…)`,
          );
        }
        if (flags.endpointUrl && !/^https?:\/\//.test(flags.endpointUrl)) {
          throw new CliError(
            `--endpoint-url ${JSON.stringify(flags.endpointUrl)} must start with http:// or https://`,
          );
        }
        if (existsSync(flags.out) && !flags.force) {
          throw new CliError(
            `${flags.out} already exists: pass --force to overwrite it, or choose another file`,
          );
        }
        if (flags.profile) process.env.AWS_PROFILE = flags.profile;
        const clients = createClientFactory({
          ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
          retryMode: 'standard',
        });
        let result: Awaited<ReturnType<typeof snapshotAccount>>;
        try {
          result = await snapshotAccount(clients, flags.region);
        } catch (error) {
          const d = describeError(error);
          throw new CliError(
            `cannot read the account (${d.name}: ${d.message}); check the credentials (--profile), the region and --endpoint-url`,
            ExitCode.FAILED,
          );
        } finally {
          clients.destroy();
        }
        for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
        writeState(flags.out, result.state, true);
        const rows = summarizeSimState(result.state);
        process.stdout.write(
          `wrote ${flags.out}: ${rows.length} resource(s)${result.warnings.length ? `, ${result.warnings.length} read(s) skipped` : ''}\n`,
        );
      },
    );
}

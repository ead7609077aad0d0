import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { mergeSettings } from '../../shared/settings.js';
import { CliError, ExitCode } from '../errors.js';
import { ProgressBar } from '../progress.js';
import { formatSummary, formatTable } from '../replay/format.js';
import { readEvents } from '../replay/read-events.js';
import { type ReplayMode, replayEvents, summarize } from '../replay/replay.js';
import { simTarget } from '../replay/sim-target.js';
import { awsTarget, type Target } from '../replay/target.js';

interface ReplayFlags {
  mode: ReplayMode;
  simState?: string;
  simOut?: string;
  region?: string;
  profile?: string;
  endpointUrl?: string;
  roleArn?: string;
  assumeRoleName?: string;
  externalId?: string;
  concurrency: string;
  output: 'table' | 'json' | 'ndjson';
  auditFile?: string;
  settings?: string;
  table?: string;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

function readSettingsFile(path: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`--settings ${path}: ${(error as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new CliError(`--settings ${path}: must hold a JSON object`);
  return value as Record<string, unknown>;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description(
      'Replay Config events through the real remediation code: plan (read state, write nothing) or apply, against the simulated account, AWS, or any AWS-compatible endpoint.',
    )
    .argument(
      '<inputs...>',
      'event files (one event, an array, or NDJSON; also inside SQS/SNS), directories (recursive), or - for stdin',
    )
    .addOption(
      new Option('--mode <mode>', 'plan: read state, write nothing; apply: act')
        .choices(['plan', 'apply'])
        .default('plan'),
    )
    .option(
      '--sim-state <file>',
      'act on the embedded simulated account held in this state file (saved back in apply mode)',
    )
    .option('--sim-out <file>', 'with --sim-state in apply mode: save the resulting state here instead')
    .option('--region <region>', 'AWS region of airlock’s own resources (default: AWS_REGION)')
    .option('--profile <name>', 'AWS profile (sets AWS_PROFILE)')
    .option('--endpoint-url <url>', 'an AWS-compatible endpoint for every service (LocalStack...)')
    .option('--role-arn <arn>', 'assume this role for every call')
    .option(
      '--assume-role-name <name>',
      'assume this role in the account of each event (the member role; with --sim-state the first account of the state is home and needs none)',
    )
    .option('--external-id <id>', 'external id for --role-arn / --assume-role-name')
    .option('--concurrency <n>', 'events handled at once', '4')
    .addOption(
      new Option('--output <format>', 'result format on stdout')
        .choices(['table', 'json', 'ndjson'])
        .default('table'),
    )
    .option('--audit-file <path>', 'append audit records to this local NDJSON trail')
    .option('--settings <file>', 'settings JSON (the same shape as the Parameter Store document)')
    .option('--table <name>', 'DynamoDB table for idempotency and breaker counters (AWS target)')
    .addOption(
      new Option('--log-level <level>', 'show the functions’ structured logs (JSON lines on stdout)')
        .choices(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'])
        .default('SILENT'),
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 every event handled, 1 some FAILED, 2 bad input (unreadable file, not an event).

Examples:
  airlock sim init account.json
  airlock events sample revoke-open-ssh --resource-id sg-0123456789abcdef0 > event.json
  airlock replay event.json --sim-state account.json                 # plan: what would change
  airlock replay events/ --sim-state account.json --mode apply --audit-file trail.ndjson
  airlock replay event.json --region eu-west-2 --profile audit-ro    # plan against a real account`,
    )
    .action(async (inputs: string[], flags: ReplayFlags) => {
      const concurrency = Number(flags.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
        throw new CliError(
          `--concurrency ${JSON.stringify(flags.concurrency)} must be a whole number from 1 to 1000`,
        );
      }
      if (flags.simOut && !flags.simState) throw new CliError('--sim-out goes with --sim-state');
      if (flags.simState && (flags.endpointUrl || flags.profile || flags.roleArn)) {
        throw new CliError(
          '--sim-state acts on the simulated account: drop --endpoint-url, --profile and --role-arn',
        );
      }
      if (flags.roleArn && flags.assumeRoleName)
        throw new CliError('choose one of --role-arn and --assume-role-name');
      const events = readEvents(inputs);
      const roles = {
        ...(flags.assumeRoleName ? { assumeRoleName: flags.assumeRoleName } : {}),
        ...(flags.externalId ? { externalId: flags.externalId } : {}),
      };
      const target: Target = flags.simState
        ? await simTarget(flags.simState, flags.simOut, roles)
        : await awsTarget({
            ...(flags.region ? { region: flags.region } : {}),
            ...(flags.profile ? { profile: flags.profile } : {}),
            ...(flags.endpointUrl ? { endpointUrl: flags.endpointUrl } : {}),
            ...(flags.roleArn ? { roleArn: flags.roleArn } : {}),
            ...roles,
          });
      // each target says which accounts it may act in: the simulated account's own, or on AWS the
      // caller's account (plus any account reached through --assume-role-name)
      let settings: Record<string, unknown> = { ...target.settings };
      if (flags.settings) settings = mergeSettings(settings, readSettingsFile(flags.settings));
      if (flags.table) settings = mergeSettings(settings, { table: flags.table });
      if (flags.auditFile) settings = mergeSettings(settings, { audit: { file: flags.auditFile } });

      const progress = new ProgressBar(events.length, 'events');
      let results: Awaited<ReturnType<typeof replayEvents>>;
      try {
        results = await replayEvents(events, {
          mode: flags.mode,
          clients: target.clients,
          settings,
          concurrency,
          logLevel: flags.logLevel,
          ...((flags.region ?? target.homeRegion) ? { homeRegion: flags.region ?? target.homeRegion } : {}),
          onResult: (_r, done) => progress.update(done),
        });
      } finally {
        progress.finish();
      }
      const saved = await target.close(flags.mode === 'apply');
      const summary = summarize(results, target.calls());
      if (flags.output === 'json') {
        process.stdout.write(`${JSON.stringify({ results, summary }, null, 2)}\n`);
      } else if (flags.output === 'ndjson') {
        for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
        process.stderr.write(`${formatSummary(summary)}\n`);
      } else {
        process.stdout.write(`${formatTable(results)}\n\n${formatSummary(summary)}\n`);
      }
      if (saved) process.stderr.write(`simulated account saved to ${saved}\n`);
      if (flags.auditFile) process.stderr.write(`audit trail: ${flags.auditFile}\n`);
      process.exitCode = results.some((r) => r.outcome === 'FAILED') ? ExitCode.FAILED : ExitCode.OK;
    });
}

import { type Command, Option } from 'commander';
import { CliError, exitCodeOf } from '../errors.js';
import { ProgressBar } from '../progress.js';
import { formatSummary, formatTable } from '../replay/format.js';
import { checkTargetFlags, openTarget, type TargetFlags } from '../replay/open-target.js';
import { readEvents } from '../replay/read-events.js';
import { type ReplayMode, type ReplayResult, replayEvents, summarize } from '../replay/replay.js';
import {
  layerSettings,
  localSettings,
  parameterSettings,
  type SettingsSource,
  withParameter,
} from '../replay/settings.js';
import type { Target } from '../replay/target.js';
import { cell } from '../table.js';

interface ReplayFlags extends TargetFlags {
  mode: ReplayMode;
  simOut?: string;
  concurrency: string;
  output: 'table' | 'json' | 'ndjson';
  file?: string;
  /** The old name of `--file`, still accepted (hidden). */
  auditFile?: string;
  progress?: boolean;
  settings?: string;
  table?: string;
  asDeployed?: boolean;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
}

/** Flags that contradict each other, or a bad value: exit 2 before anything starts. */
function checkFlags(flags: ReplayFlags): number {
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) {
    throw new CliError(
      `--concurrency ${JSON.stringify(flags.concurrency)} must be a whole number from 1 to 1000`,
    );
  }
  if (flags.simOut && !flags.simState) throw new CliError('--sim-out goes with --sim-state');
  checkTargetFlags(flags);
  return concurrency;
}

/**
 * The run's settings: the target's, the environment, `--settings`, the Parameter Store document they
 * name, then the flags. A plan writes nothing: no table (idempotency, breaker counts) and no audit
 * record but the `--file` asked for.
 */
async function runSettings(
  flags: ReplayFlags,
  target: Target,
  local: readonly SettingsSource[],
): Promise<Record<string, unknown>> {
  const region = flags.region ?? target.homeRegion ?? process.env.AWS_REGION;
  const layers = await withParameter(local, (name) => {
    if (!region) throw new CliError(`settings name parameter ${name}: pass --region to read it`);
    return parameterSettings(name, target.clients, region);
  });
  const base = { name: 'target', value: { ...target.settings } };
  const given = {
    name: 'flags',
    value: {
      ...(flags.table ? { table: flags.table } : {}),
      ...(flags.file ? { audit: { file: flags.file } } : {}),
    },
  };
  const { table, audit, ...settings } = layerSettings([base, ...layers, given]);
  if (flags.mode === 'plan') return { ...settings, audit: flags.file ? { file: flags.file } : {} };
  return { ...settings, ...(table ? { table } : {}), ...(audit ? { audit } : {}) };
}

/** Results on stdout in the chosen format; the summary, and each REJECTED event's reason, on stderr. */
function printResults(flags: ReplayFlags, results: readonly ReplayResult[], target: Target): void {
  const summary = summarize(results, target.calls());
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify({ results, summary }, null, 2)}\n`);
  } else if (flags.output === 'ndjson') {
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
    process.stderr.write(`${formatSummary(summary)}\n`);
  } else {
    process.stdout.write(`${formatTable(results)}\n\n${formatSummary(summary)}\n`);
  }
  for (const r of results) {
    if (r.outcome === 'REJECTED') process.stderr.write(`${cell(r.origin, 400)}: ${cell(r.reason, 400)}\n`);
  }
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
    .option(
      '--file <path>',
      'append an audit record per event to this local NDJSON trail (as `audit --file` reads it)',
    )
    .addOption(new Option('--audit-file <path>', 'the former name of --file').hideHelp())
    .option('--settings <file>', 'settings JSON (the same shape as the Parameter Store document)')
    .option(
      '--table <name>',
      'DynamoDB table for breaker counters (and idempotency with --as-deployed) (AWS target)',
    )
    .option(
      '--as-deployed',
      'behave exactly like the deployed function: an event already settled (APPLIED, NOOP) is answered from the idempotency table instead of read again',
    )
    .addOption(
      new Option('--log-level <level>', 'show the functions’ structured logs (JSON lines on stdout)')
        .choices(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'])
        .default('SILENT'),
    )
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .addHelpText(
      'after',
      `
Every event ends in exactly one result (and one audit record, with --file), named by its file
(and line, for NDJSON and arrays). A replay reads the resource live and decides now; --as-deployed
answers an event already settled (APPLIED, NOOP) from the idempotency table, as the function does.
--mode plan writes nothing: no table item, no breaker count, no state file, no record but --file.

Settings: the environment (AIRLOCK_*), then --settings FILE, then the Parameter Store document they
name (read once), then --table and --file. A bad value exits 2 naming its source and key.

Exit codes: 0 every event handled, 1 some FAILED, 2 bad input (unreadable file, bad settings, or an
event REJECTED: not an event, unknown resource type or rule, hostile id), when none FAILED.

Examples:
  airlock sim init account.json
  airlock events sample revoke-open-ssh --resource-id sg-0123456789abcdef0 > event.json
  airlock replay event.json --sim-state account.json                 # plan: what would change
  airlock replay events/ --sim-state account.json --mode apply --file trail.ndjson
  airlock replay event.json --region eu-west-2 --profile audit-ro    # plan against a real account`,
    )
    .action(async (inputs: string[], given: ReplayFlags) => {
      const flags: ReplayFlags = {
        ...given,
        ...((given.file ?? given.auditFile) ? { file: given.file ?? given.auditFile } : {}),
      };
      const concurrency = checkFlags(flags);
      const events = readEvents(inputs);
      const local = localSettings(flags.settings);
      // a plan writes nothing: no local DynamoDB for it
      const target = await openTarget(flags, {
        dynamodb: flags.mode === 'apply',
        ...(flags.simOut ? { simOut: flags.simOut } : {}),
      });
      let results: ReplayResult[] | undefined;
      let saved: string | undefined;
      const progress = new ProgressBar(events.length, 'events', { force: Boolean(flags.progress) });
      try {
        const settings = await runSettings(flags, target, local);
        results = await replayEvents(events, {
          mode: flags.mode,
          clients: target.clients,
          settings,
          concurrency,
          logLevel: flags.logLevel,
          asDeployed: Boolean(flags.asDeployed),
          ...((flags.region ?? target.homeRegion) ? { homeRegion: flags.region ?? target.homeRegion } : {}),
          onResult: (_r, done) => progress.update(done),
        });
      } finally {
        progress.finish();
        saved = await target.close(results !== undefined && flags.mode === 'apply');
      }
      printResults(flags, results, target);
      if (saved) process.stderr.write(`simulated account saved to ${saved}\n`);
      if (flags.file) process.stderr.write(`audit trail: ${flags.file}\n`);
      process.exitCode = exitCodeOf(results.map((r) => r.outcome));
    });
}

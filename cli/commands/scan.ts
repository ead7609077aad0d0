import { writeFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type Command, Option } from 'commander';
import { REMEDIATIONS } from '../../functions/registry.js';
import { describeError } from '../../shared/errors.js';
import { ACCOUNT_ID, REGION } from '../../shared/resource-id.js';
import { allowed, parseSettings, type Settings } from '../../shared/settings.js';
import { collectList } from '../audit/filter.js';
import { CliError, ExitCode } from '../errors.js';
import { ProgressBar } from '../progress.js';
import { checkTargetFlags, openTarget, type TargetFlags } from '../replay/open-target.js';
import { layerSettings, localSettings, parameterSettings, withParameter } from '../replay/settings.js';
import type { Target } from '../replay/target.js';
import { type LoadedRegister, registerFromFile, registerFromSettings } from '../scan/exemptions.js';
import { formatHeadline, formatScan } from '../scan/format.js';
import { renderScanHtml } from '../scan/report-html.js';
import { type ScanResult, scanAccount } from '../scan/scan.js';

interface ScanFlags extends TargetFlags {
  account?: string;
  settings?: string;
  exemptions?: string;
  remediation?: string[];
  output: 'table' | 'json';
  html?: string;
  concurrency: string;
  progress?: boolean;
}

/** Bad flags: exit 2 before anything starts. */
function checkFlags(flags: ScanFlags): number {
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new CliError(
      `--concurrency ${JSON.stringify(flags.concurrency)} must be a whole number from 1 to 64`,
    );
  }
  checkTargetFlags(flags);
  if (!flags.simState && !flags.region && !process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION) {
    throw new CliError('no AWS region: pass --region (or set AWS_REGION), or --sim-state FILE');
  }
  if (flags.account && !ACCOUNT_ID.test(flags.account)) {
    throw new CliError(`--account ${JSON.stringify(flags.account)} is not a 12-digit account id`);
  }
  if (flags.region && !REGION.test(flags.region)) {
    throw new CliError(`--region ${JSON.stringify(flags.region)} is not a region name (eu-west-2)`);
  }
  const unknown = (flags.remediation ?? []).filter((id) => !REMEDIATIONS.some((r) => r.id === id));
  if (unknown.length) {
    throw new CliError(
      `--remediation ${unknown.map((id) => JSON.stringify(id)).join(', ')}: not one of ${REMEDIATIONS.map((r) => r.id).join(', ')}`,
    );
  }
  return concurrency;
}

/** The account to scan: --account, else the simulated account's first, else the caller's own (STS). */
async function accountOf(flags: ScanFlags, target: Target, region: string): Promise<string> {
  if (flags.account) return flags.account;
  if ('sim' in target) return (target as Target & { sim: { defaultAccount: string } }).sim.defaultAccount;
  try {
    const me = await target.clients.get(STSClient, { region }).send(new GetCallerIdentityCommand({}));
    if (me.Account) return me.Account;
  } catch (error) {
    const d = describeError(error);
    throw new CliError(
      `cannot tell which account the credentials are for (${d.name}: ${d.message}): check --profile, --region and --endpoint-url`,
      ExitCode.FAILED,
    );
  }
  throw new CliError('sts:GetCallerIdentity named no account: pass --account', ExitCode.FAILED);
}

/** What the allowlists say about the scanned account and region. */
function allowlistNotes(settings: Settings, account: string, region: string): string[] {
  const notes: string[] = [];
  if (!allowed(settings.allowedAccounts, account)) {
    notes.push(
      `account ${account} is not in allowedAccounts: the deployed functions would reject its events`,
    );
  }
  if (!allowed(settings.allowedRegions, region)) {
    notes.push(`region ${region} is not in allowedRegions: the deployed functions would reject its events`);
  }
  return notes;
}

function printResult(
  flags: ScanFlags,
  result: ScanResult,
  targetName: string,
  calls: Record<string, number>,
): void {
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  if (flags.output === 'json') {
    process.stdout.write(
      `${JSON.stringify({ target: targetName, ...result, apiCalls: calls, apiCallsTotal: total }, null, 2)}\n`,
    );
  } else {
    const list = Object.entries(calls).map(([k, v]) => `${k} ${v}`);
    process.stdout.write(
      `${formatScan(result, targetName)}AWS API calls: ${total}${total ? ` (${list.join(', ')})` : ''}\n`,
    );
  }
  if (flags.html) {
    try {
      writeFileSync(
        flags.html,
        renderScanHtml(result, { target: targetName, generatedAt: new Date().toISOString() }),
      );
    } catch (error) {
      throw new CliError(`cannot write ${flags.html}: ${describeError(error).message}`);
    }
    process.stderr.write(`wrote ${flags.html}\n`);
  }
}

async function runScan(flags: ScanFlags, concurrency: number): Promise<number> {
  const local = localSettings(flags.settings);
  const given: LoadedRegister | undefined = flags.exemptions ? registerFromFile(flags.exemptions) : undefined;
  const target = await openTarget(flags, { dynamodb: false });
  const progress = new ProgressBar(0, 'listed', { force: Boolean(flags.progress) });
  try {
    const region = flags.region ?? target.homeRegion ?? 'us-east-1';
    const layers = await withParameter(local, (name) => parameterSettings(name, target.clients, region));
    const base = { name: 'target', value: { ...target.settings } };
    const settings = parseSettings(layerSettings([base, ...layers]));
    const account = await accountOf(flags, target, region);
    const register = given ?? (await registerFromSettings(settings, target.clients, region));
    let planning = false;
    const result = await scanAccount({
      clients: target.clients,
      account,
      region,
      settings,
      exemptions: register.register,
      remediations: REMEDIATIONS.filter(
        (r) => !flags.remediation?.length || flags.remediation.includes(r.id),
      ),
      concurrency,
      logger: new Logger({ serviceName: 'airlock-scan', logLevel: 'SILENT' }),
      notes: [...allowlistNotes(settings, account, region), register.note],
      progress: {
        listing: (id, n) => progress.update(n, id),
        planning: (done, total) => {
          if (!planning) progress.restart(total, 'planned');
          planning = true;
          progress.update(done);
        },
      },
    });
    progress.finish();
    const targetName = flags.simState ? `simulated account ${flags.simState}` : 'AWS';
    printResult(flags, result, targetName, target.calls());
    if (flags.output === 'json') process.stderr.write(`${formatHeadline(result, targetName)}\n`);
    const c = result.counts;
    const problems = result.kinds.some((k) => k.problem);
    return c.change + c.deferred + c.error > 0 || problems ? ExitCode.FAILED : ExitCode.OK;
  } finally {
    progress.finish();
    await target.close(false);
  }
}

/** `airlock scan`: the onboarding preview of a whole account and region, read-only. */
export function registerScan(program: Command): void {
  program
    .command('scan')
    .description(
      "Preview a whole account and region before switching to enforce: every resource each remediation lists, read and planned by the remediation's own code with the configured settings. Shows what would change (the exact calls), what is exempt and why, and the look-alikes left alone. Read-only: no write call, ever.",
    )
    .option('--sim-state <file>', 'scan the embedded simulated account in this state file (never saved)')
    .option(
      '--region <region>',
      'the region to scan (default: AWS_REGION; the state’s first region with --sim-state)',
    )
    .option('--profile <name>', 'AWS profile (sets AWS_PROFILE)')
    .option('--endpoint-url <url>', 'an AWS-compatible endpoint for every service (LocalStack...)')
    .option('--role-arn <arn>', 'assume this role for every call')
    .option('--assume-role-name <name>', 'assume this role in the scanned account (the member role)')
    .option('--external-id <id>', 'external id for --role-arn / --assume-role-name')
    .option(
      '--account <id>',
      'the account to scan (default: the credentials’ own; the state’s first with --sim-state)',
    )
    .option('--settings <file>', 'settings JSON (the same shape as the Parameter Store document)')
    .option(
      '--exemptions <file>',
      'the exemption register as a JSON array (default: the parameter the settings name, exemptions.parameter)',
    )
    .option('--remediation <id>', 'scan only these remediations (repeatable, or a comma list)', collectList)
    .addOption(
      new Option('--output <format>', 'result format on stdout').choices(['table', 'json']).default('table'),
    )
    .option(
      '--html <file>',
      'also write the result as one self-contained HTML page (the audit report’s style)',
    )
    .option('--concurrency <n>', 'resources read at once', '8')
    .option('--progress', 'show progress on stderr even when it is not a terminal')
    .addHelpText(
      'after',
      `
Each remediation lists its own resources (security groups, route tables, transit gateway route
tables, S3 buckets of the region, EKS clusters...) page by page with the SDK's paginators and the
shared retry strategy. The planners decide as the deployed functions would in enforce mode.
Permissions: each remediation's read actions and its list action (README, "airlock scan").

Exit codes: 0 nothing would change, 1 something would change (or could not be listed, read or acted
on now), 2 bad input (flags, settings, exemption file).

Examples:
  airlock sim init account.json
  airlock scan --sim-state account.json
  airlock scan --sim-state account.json --settings settings.json --exemptions exemptions.json --html scan.html
  airlock scan --region eu-west-2 --profile audit-ro --output json > scan.json
  airlock scan --region eu-west-2 --account 444455556666 --assume-role-name airlock-member`,
    )
    .action(async (flags: ScanFlags) => {
      const concurrency = checkFlags(flags);
      process.exitCode = await runScan(flags, concurrency);
    });
}

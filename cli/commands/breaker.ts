import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Command, Option } from 'commander';
import { findRemediation, REMEDIATIONS } from '../../functions/registry.js';
import { type Breaker, type BreakerState, dynamoBreaker } from '../../shared/breaker.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import { ACCOUNT_ID } from '../../shared/resource-id.js';
import { type AwsFlags, awsClientFactory, resolveRegion } from '../audit/aws-options.js';
import { CliError, ExitCode } from '../errors.js';
import { SIM_TABLE, simTarget } from '../replay/sim-target.js';
import { cell, renderTable } from '../table.js';

interface BreakerFlags extends AwsFlags {
  readonly remediation?: string;
  readonly account?: string;
  readonly simState?: string;
  readonly table?: string;
  readonly output?: 'table' | 'json';
  /** The old spelling of `--output json`, still accepted (hidden). */
  readonly json?: boolean;
}

/** Where the breaker counters live: the simulated account's table, or a DynamoDB table in AWS. */
interface BreakerStore {
  readonly breaker: Breaker;
  readonly table: string;
  close(save: boolean): Promise<void>;
}

async function openStore(o: BreakerFlags): Promise<BreakerStore> {
  // status and reset never evaluate limits: they only read and clear the counters
  const limits = () => ({ maxWrites: 0, windowSeconds: 300 });
  if (o.simState) {
    if (o.table && o.table !== SIM_TABLE) {
      throw new CliError(`--table is ${SIM_TABLE} on the simulated account`, ExitCode.BAD_INPUT);
    }
    const target = await simTarget(o.simState);
    const db = target.clients.get(DynamoDBClient, { region: target.homeRegion ?? 'us-east-1' });
    return {
      breaker: dynamoBreaker(db, SIM_TABLE, limits),
      table: SIM_TABLE,
      close: async (save) => void (await target.close(save)),
    };
  }
  if (!o.table) {
    throw new CliError('pass --sim-state FILE, or --table NAME (and --region) for AWS', ExitCode.BAD_INPUT);
  }
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(o.table)) {
    throw new CliError(`--table ${JSON.stringify(o.table)} is not a DynamoDB table name`, ExitCode.BAD_INPUT);
  }
  const region = resolveRegion(o);
  const clients: ClientFactory = awsClientFactory(o);
  return {
    breaker: dynamoBreaker(clients.get(DynamoDBClient, { region }), o.table, limits),
    table: o.table,
    close: async () => clients.destroy(),
  };
}

function checkScope(o: BreakerFlags, required: boolean): void {
  if (required && (!o.remediation || !o.account)) {
    throw new CliError('reset needs --remediation ID and --account ID', ExitCode.BAD_INPUT);
  }
  if (o.remediation && !findRemediation(o.remediation)) {
    throw new CliError(
      `--remediation ${JSON.stringify(o.remediation)} is not one of ${REMEDIATIONS.map((r) => r.id).join(', ')}`,
      ExitCode.BAD_INPUT,
    );
  }
  if (o.account && !ACCOUNT_ID.test(o.account)) {
    throw new CliError(
      `--account ${JSON.stringify(o.account)} is not a 12-digit account id`,
      ExitCode.BAD_INPUT,
    );
  }
}

function formatStates(states: readonly BreakerState[], table: string): string {
  if (states.length === 0) return `no breaker counters in ${table}\n`;
  const rows = states.map((s) => [
    cell(s.remediation),
    cell(s.account),
    s.tripped ? 'TRIPPED' : 'closed',
    String(s.count),
    s.windowStart ? new Date(s.windowStart).toISOString() : '',
    cell(s.trippedAt ?? ''),
  ]);
  return `${renderTable(['remediation', 'account', 'state', 'writes', 'window start', 'tripped at'], rows)}\n`;
}

async function withStore<T>(
  o: BreakerFlags,
  save: boolean,
  work: (s: BreakerStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(o);
  let ok = false;
  try {
    const out = await work(store);
    ok = true;
    return out;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`breaker table ${store.table}: ${describeError(error).message}`, ExitCode.FAILED, {
      cause: error,
    });
  } finally {
    await store.close(save && ok);
  }
}

/** `airlock breaker status|reset`: show the blast-radius breakers, reset a tripped one. */
export function registerBreaker(program: Command): void {
  const breaker = program
    .command('breaker')
    .description(
      'The blast-radius breaker: more than N writes per remediation and account in a window and the remediation stops writing (records SUPPRESSED, metric airlock/Suppressed) until an operator resets it.',
    );
  const common = (c: Command) =>
    c
      .option('--remediation <id>', 'the remediation (revoke-open-ssh, ...)')
      .option('--account <id>', 'the 12-digit account id')
      .option(
        '--sim-state <file>',
        'the simulated account in this state file (its table airlock-idempotency)',
      )
      .option('--table <name>', "airlock's DynamoDB table in AWS (idempotency and breaker counters)")
      .option('--region <region>', 'region of the table')
      .option('--profile <name>', 'AWS profile from the shared config/credentials files')
      .option('--endpoint-url <url>', 'an AWS-compatible endpoint instead of AWS');

  common(breaker.command('status'))
    .description(
      'Show every breaker counter (or one remediation / account): writes in the window, tripped or not. Exit 1 when one is tripped.',
    )
    .addOption(
      new Option('--output <format>', 'result format on stdout').choices(['table', 'json']).default('table'),
    )
    .addOption(new Option('--json', 'the former spelling of --output json').hideHelp())
    .addHelpText(
      'after',
      `
Exit codes: 0 no breaker tripped, 1 one is tripped (or the table cannot be read), 2 bad input.

Examples:
  airlock breaker status --sim-state account.json
  airlock breaker status --sim-state account.json --output json
  airlock breaker status --table airlock-idempotency --region eu-west-2 --remediation strip-internet-routes`,
    )
    .action(async (o: BreakerFlags) => {
      checkScope(o, false);
      const states = await withStore(o, false, (s) => s.breaker.status());
      const picked = states.filter(
        (s) => (!o.remediation || s.remediation === o.remediation) && (!o.account || s.account === o.account),
      );
      process.stdout.write(
        o.output === 'json' || o.json
          ? `${JSON.stringify(picked, null, 2)}\n`
          : formatStates(picked, o.table ?? SIM_TABLE),
      );
      if (picked.some((s) => s.tripped)) process.exitCode = ExitCode.FAILED;
    });

  common(breaker.command('reset'))
    .description(
      'Reset the breaker of one remediation in one account: its count goes to zero and it writes again.',
    )
    .addHelpText(
      'after',
      `
Exit codes: 0 reset (or nothing to reset), 1 the table cannot be read or written, 2 bad input.

Examples:
  airlock breaker reset --remediation strip-internet-routes --account 111122223333 --sim-state account.json
  airlock breaker reset --remediation strip-internet-routes --account 111122223333 --table airlock-idempotency --region eu-west-2`,
    )
    .action(async (o: BreakerFlags) => {
      checkScope(o, true);
      const scope = { remediation: o.remediation!, account: o.account! };
      const was = await withStore(o, true, async (s) => {
        const before = (await s.breaker.status()).find(
          (x) => x.remediation === scope.remediation && x.account === scope.account,
        );
        await s.breaker.reset(scope);
        return before;
      });
      process.stdout.write(
        was
          ? `reset ${scope.remediation} in ${scope.account} (was ${was.tripped ? 'TRIPPED' : 'closed'}, ${was.count} writes in the window)\n`
          : `no breaker counter for ${scope.remediation} in ${scope.account}: nothing to reset\n`,
      );
    });
}

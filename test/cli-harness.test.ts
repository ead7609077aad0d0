import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNT,
  DEMO_REGION,
  DEMO_SETTINGS,
  DEMO_VIOLATIONS,
  demoState,
} from '../cli/demo/scenario.js';
import { sampleEvent } from '../cli/events/sample.js';
import { isWriteApi } from '../cli/sim/cloud.js';
import { findRemediation, REMEDIATIONS } from '../functions/registry.js';
import { verifyRecordDigest } from '../shared/audit-record.js';
import { type CliRun, runAirlock } from './helpers/cli.js';

/** A folder with the demo's account, its settings, and one event per violation. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-harness-'));
  writeFileSync(join(dir, 'account.json'), JSON.stringify(demoState()));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(DEMO_SETTINGS));
  const events = DEMO_VIOLATIONS.map((v) => eventFor(v.remediation, v.resourceId));
  writeFileSync(join(dir, 'events.ndjson'), `${events.map((e) => JSON.stringify(e)).join('\n')}\n`);
  writeFileSync(join(dir, 'event.json'), JSON.stringify(events[0]));
  return dir;
}

function eventFor(remediation: string, resourceId: string, account = DEMO_ACCOUNT) {
  return sampleEvent(findRemediation(remediation)!, {
    resourceId,
    account,
    region: DEMO_REGION,
    compliance: 'NON_COMPLIANT',
  });
}

/** `airlock replay ARGS --sim-state account.json --output json` in `dir`. */
const simReplay = (dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  runAirlock(['replay', ...args, '--sim-state', 'account.json', '--output', 'json'], { cwd: dir, env });

const writesOf = (apiCalls: Record<string, number>) =>
  Object.keys(apiCalls).filter((key) => isWriteApi(key.slice(key.indexOf(':') + 1)));

/** A demo account whose settings parameter (Parameter Store) holds `value`. */
function withParameter(dir: string, value: string): void {
  const state = demoState();
  const region = state.accounts[DEMO_ACCOUNT]!.regions[DEMO_REGION]! as unknown as {
    ssmParameters: { Name: string; Value: string }[];
  };
  region.ssmParameters = [{ Name: '/airlock/settings', Value: value }];
  writeFileSync(join(dir, 'account.json'), JSON.stringify(state));
  writeFileSync(join(dir, 'param.json'), JSON.stringify({ parameter: '/airlock/settings' }));
}

describe('Function: airlock replay, every settings error (spawned, with a time limit)', () => {
  // no resource left running: the process ends by itself (no signal) with exit code 2; a simulator or
  // local DynamoDB left open would keep it alive until runAirlock's time limit kills it (SIGKILL)
  const expectPromptBadInput = (run: CliRun, message: RegExp) => {
    expect({ signal: run.signal, code: run.code }).toEqual({ signal: null, code: 2 });
    expect(run.stderr).toMatch(message);
  };

  it.each([
    [
      'a bad value in --settings, on the simulated account',
      ['--sim-state', 'account.json', '--settings', 'bad.json'],
      {},
      /--settings bad\.json: mode: Invalid option/,
    ],
    [
      'a bad value in --settings, against AWS',
      ['--region', 'eu-west-2', '--settings', 'bad.json'],
      {},
      /--settings bad\.json: mode: Invalid option/,
    ],
    [
      'a missing --settings file',
      ['--sim-state', 'account.json', '--settings', 'nope.json'],
      {},
      /--settings nope\.json: no such file/,
    ],
    [
      "a bad value in a remediation's own settings",
      ['--sim-state', 'account.json', '--settings', 'bad-remediation.json'],
      {},
      /--settings bad-remediation\.json: remediations\.revoke-open-ssh\.settings\.portRangePolicy: Invalid option/,
    ],
    [
      'a bad value in the environment',
      ['--sim-state', 'account.json'],
      { AIRLOCK_BLAST_RADIUS_MAX_WRITES: '-3' },
      /environment AIRLOCK_BLAST_RADIUS_MAX_WRITES: blastRadius\.maxWrites: Too small/,
    ],
    [
      'a bad value in the Parameter Store document',
      ['--sim-state', 'account.json', '--settings', 'param.json'],
      {},
      /parameter \/airlock\/settings: blastRadius\.windowSeconds: /,
    ],
  ])('exits 2 promptly, naming the source and the key: %s', async (_name, args, env, message) => {
    // Prepare
    const dir = workspace();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ mode: 'on' }));
    writeFileSync(
      join(dir, 'bad-remediation.json'),
      JSON.stringify({ remediations: { 'revoke-open-ssh': { settings: { portRangePolicy: 'all' } } } }),
    );
    withParameter(dir, JSON.stringify({ blastRadius: { windowSeconds: 'soon' } }));
    const before = readFileSync(join(dir, 'account.json'), 'utf8');

    // Act
    const run = await runAirlock(['replay', 'event.json', ...args, '--mode', 'apply'], { cwd: dir, env });

    // Assess: bad input changes nothing
    expectPromptBadInput(run, message);
    expect(run.stdout).toBe('');
    expect(readFileSync(join(dir, 'account.json'), 'utf8')).toBe(before);
  });

  it.each([
    [
      'scan, a bad --settings value',
      ['scan', '--sim-state', 'account.json', '--settings', 'bad.json'],
      /--settings bad\.json: mode/,
    ],
    [
      'scan, a bad environment value',
      ['scan', '--sim-state', 'account.json'],
      /environment AIRLOCK_MODE: mode/,
    ],
    [
      'breaker status, a missing state file',
      ['breaker', 'status', '--sim-state', 'nope.json'],
      /nope\.json: no such state file/,
    ],
    [
      'rollback, a missing trail',
      [
        'rollback',
        '019a4b2c-5d6e-7f80-9a1b-2c3d4e5f6a7b',
        '--file',
        'nope.ndjson',
        '--sim-state',
        'account.json',
      ],
      /nope\.ndjson/,
    ],
  ])('exits 2 promptly on bad input in other commands too: %s', async (name, args, message) => {
    // Prepare
    const dir = workspace();
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ mode: 'on' }));
    const env = name.includes('environment') ? { AIRLOCK_MODE: 'on' } : {};

    // Act
    const run = await runAirlock(args, { cwd: dir, env });

    // Assess
    expectPromptBadInput(run, message);
  });

  it('exits 2 promptly when the settings parameter does not exist', async () => {
    // Prepare
    const dir = workspace();
    writeFileSync(join(dir, 'param.json'), JSON.stringify({ parameter: '/airlock/missing' }));

    // Act
    const run = await simReplay(dir, ['event.json', '--settings', 'param.json']);

    // Assess
    expectPromptBadInput(run, /parameter \/airlock\/missing: no such parameter in eu-west-2/);
  });

  it('applies the Parameter Store document over --settings when it is valid', async () => {
    // Prepare: a parameter that narrows the rule names revoke-open-ssh accepts
    const dir = workspace();
    withParameter(
      dir,
      JSON.stringify({ remediations: { 'revoke-open-ssh': { configRuleNames: ['only-this-rule'] } } }),
    );

    // Act
    const run = await simReplay(dir, ['event.json', '--settings', 'param.json']);

    // Assess: the parameter's rule names were applied (the sample rule is no longer accepted)
    expect(run.code).toBe(2);
    const [result] = JSON.parse(run.stdout).results;
    expect(result.outcome).toBe('REJECTED');
    expect(result.reason).toMatch(/only-this-rule/);
  });
});

describe('Function: airlock replay --mode plan writes nothing (spawned)', { timeout: 120_000 }, () => {
  it('makes no write call over every remediation, DynamoDB and S3 included, and leaves the state file as it was', async () => {
    // Prepare: settings that name a table and an audit bucket, as a deployment's would
    const dir = workspace();
    writeFileSync(
      join(dir, 'deployed.json'),
      JSON.stringify({
        ...DEMO_SETTINGS,
        table: 'airlock-idempotency',
        audit: { bucket: 'airlock-demo-private-data' },
      }),
    );
    const before = readFileSync(join(dir, 'account.json'), 'utf8');
    const args = ['events.ndjson', '--settings', 'deployed.json'];

    // Act
    const plain = await simReplay(dir, args);
    const deployed = await simReplay(dir, [...args, '--as-deployed']);

    // Assess
    for (const run of [plain, deployed]) {
      expect(run.code).toBe(0);
      const { results, summary } = JSON.parse(run.stdout);
      expect(results.map((r: { outcome: string }) => r.outcome)).toEqual(
        DEMO_VIOLATIONS.map(() => 'PLANNED'),
      );
      expect(new Set(results.map((r: { remediation: string }) => r.remediation))).toEqual(
        new Set(REMEDIATIONS.map((r) => r.id)),
      );
      expect(summary.apiCallsTotal).toBeGreaterThan(0);
      expect(writesOf(summary.apiCalls)).toEqual([]);
      expect(Object.keys(summary.apiCalls).filter((k) => k.startsWith('dynamodb:'))).toEqual([]);
    }
    expect(readFileSync(join(dir, 'account.json'), 'utf8')).toBe(before);
  });

  it('writes an audit record per event only when asked with --file (the audit trail)', async () => {
    // Prepare
    const dir = workspace();

    // Act
    const run = await simReplay(dir, ['events.ndjson', '--file', 'trail.ndjson']);

    // Assess
    expect(run.code).toBe(0);
    expect(writesOf(JSON.parse(run.stdout).summary.apiCalls)).toEqual([]);
    const trail = readFileSync(join(dir, 'trail.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(trail.map((r) => r.mode)).toEqual(DEMO_VIOLATIONS.map(() => 'plan'));
    expect(trail.every(verifyRecordDigest)).toBe(true);
  });
});

describe('Function: airlock replay acts on what is live (spawned)', { timeout: 180_000 }, () => {
  it('fixes the resource again after a rollback re-opened it: sim init, replay, rollback, replay', async () => {
    // Prepare: the sample account and its world-open SSH group
    const dir = mkdtempSync(join(tmpdir(), 'airlock-again-'));
    expect((await runAirlock(['sim', 'init', 'account.json'], { cwd: dir })).code).toBe(0);
    const sample = await runAirlock(
      [
        'events',
        'sample',
        'revoke-open-ssh',
        '--resource-id',
        'sg-0a1b2c3d4e5f60718',
        '--account',
        '111122223333',
      ],
      { cwd: dir },
    );
    writeFileSync(join(dir, 'event.json'), sample.stdout);
    const replay = (...extra: string[]) => simReplay(dir, ['event.json', ...extra]);
    const first = await replay('--mode', 'apply', '--file', 'trail.ndjson');
    const [applied] = JSON.parse(first.stdout).results;
    const rollback = await runAirlock(
      [
        'rollback',
        applied.recordId,
        '--file',
        'trail.ndjson',
        '--sim-state',
        'account.json',
        '--mode',
        'apply',
        // an offline replay's local trail is unsigned
        '--no-require-signature',
      ],
      { cwd: dir },
    );
    const reopened = await replay();

    // Act
    const again = await replay('--mode', 'apply');
    const after = await replay();

    // Assess
    expect([first.code, rollback.code, reopened.code, again.code, after.code]).toEqual([0, 0, 0, 0, 0]);
    expect(applied.outcome).toBe('APPLIED');
    expect(JSON.parse(reopened.stdout).results[0].outcome).toBe('PLANNED');
    const [fixed] = JSON.parse(again.stdout).results;
    expect(fixed).toMatchObject({ outcome: 'APPLIED', duplicate: false });
    expect(fixed.steps.map((s: { api: string; result: string }) => [s.api, s.result])).toEqual([
      ['RevokeSecurityGroupIngress', 'applied'],
    ]);
    expect(JSON.parse(after.stdout).results[0]).toMatchObject({ outcome: 'NOOP' });
  });
});

describe('Function: airlock replay, one result per input and one exit-code rule (spawned)', {
  timeout: 120_000,
}, () => {
  /** An array file: an event, a value that is no event, an unknown resource type, a hostile id. */
  function mixedInputs(dir: string): void {
    const good = eventFor('revoke-open-ssh', 'sg-0a0a0a0a0a0a0a001');
    const unknownType = structuredClone(good) as { detail: { resourceType: string } };
    unknownType.detail.resourceType = 'AWS::EC2::Instance';
    const hostile = structuredClone(good) as { detail: { resourceId: string } };
    hostile.detail.resourceId = 'sg-0a0a0a0a0a0a0a001"; rm -rf /';
    const lines = [good, { hello: 'world' }, unknownType, hostile].map((e) => `  ${JSON.stringify(e)}`);
    writeFileSync(join(dir, 'mixed.json'), `[\n${lines.join(',\n')}\n]\n`);
    writeFileSync(join(dir, 'broken.ndjson'), `${JSON.stringify(good)}\n{oops\n`);
  }

  it('ends every input in exactly one result and one audit record, named by file and line; exit 2 for REJECTED', async () => {
    // Prepare
    const dir = workspace();
    mixedInputs(dir);

    // Act
    const run = await simReplay(dir, ['mixed.json', 'broken.ndjson', '--file', 'trail.ndjson']);

    // Assess
    expect(run.code).toBe(2);
    const results = JSON.parse(run.stdout).results as { origin: string; outcome: string; recordId: string }[];
    expect(results.map((r) => [r.origin, r.outcome])).toEqual([
      ['mixed.json:2', 'PLANNED'],
      ['mixed.json:3', 'REJECTED'],
      ['mixed.json:4', 'REJECTED'],
      ['mixed.json:5', 'REJECTED'],
      ['broken.ndjson:1', 'PLANNED'],
      ['broken.ndjson:2', 'REJECTED'],
    ]);
    const trail = readFileSync(join(dir, 'trail.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(trail.map((r) => r.id).sort()).toEqual(results.map((r) => r.recordId).sort());
    expect(trail.filter((r) => r.remediation === 'none').map((r) => r.outcome)).toEqual([
      'REJECTED',
      'REJECTED',
      'REJECTED',
    ]);
    expect(run.stderr).toMatch(/mixed\.json:3: not an event/);
    expect(run.stderr).toMatch(/mixed\.json:4: no remediation handles resource type "AWS::EC2::Instance"/);
    expect(run.stderr).toMatch(/broken\.ndjson:2: not valid JSON/);
  });

  it('names the file and line of each event in the table and in NDJSON', async () => {
    // Prepare
    const dir = workspace();

    // Act
    const table = await runAirlock(['replay', 'events.ndjson', '--sim-state', 'account.json'], { cwd: dir });
    const ndjson = await runAirlock(
      ['replay', 'events.ndjson', '--sim-state', 'account.json', '--output', 'ndjson'],
      {
        cwd: dir,
      },
    );

    // Assess
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^EVENT\s+OUTCOME/);
    for (const [i] of DEMO_VIOLATIONS.entries()) expect(table.stdout).toContain(`events.ndjson:${i + 1} `);
    const lines = ndjson.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.origin)).toEqual(DEMO_VIOLATIONS.map((_, i) => `events.ndjson:${i + 1}`));
  });

  it('exits 1 when an event FAILED, even beside a REJECTED one', async () => {
    // Prepare: every read of security-group rules fails
    const dir = workspace();
    const state = demoState();
    state.faults = [{ kind: 'server-error', rate: 1, api: 'ec2:DescribeSecurityGroupRules' }];
    writeFileSync(join(dir, 'account.json'), JSON.stringify(state));
    writeFileSync(join(dir, 'two.ndjson'), `${readFileSync(join(dir, 'event.json'), 'utf8')}\n{"hello":1}\n`);

    // Act
    const run = await simReplay(dir, ['two.ndjson']);

    // Assess
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).results.map((r: { outcome: string }) => r.outcome)).toEqual([
      'FAILED',
      'REJECTED',
    ]);
    expect(existsSync(join(dir, 'trail.ndjson'))).toBe(false);
  });
});

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { beforeAll, describe, expect, it } from 'vitest';
import { isWriteApi, SimulatedCloud } from '../cli/sim/cloud.js';
import { findRemediation, REMEDIATIONS } from '../functions/registry.js';
import { remediationSettings } from '../shared/pipeline.js';
import { GONE, type RemediationContext } from '../shared/remediation.js';
import { parseSettings } from '../shared/settings.js';
import { runAirlock } from './helpers/cli.js';
import { SCAN_ACCOUNT, SCAN_REGION, type ScanResource, scanAccountState } from './helpers/scan-account.js';

interface Finding {
  remediation: string;
  resource: string;
  verdict: string;
  reason: string;
  steps: { api: string; input: unknown }[];
  exemption?: { id: string };
}

const writesOf = (apiCalls: Record<string, number>) =>
  Object.keys(apiCalls).filter((key) => isWriteApi(key.slice(key.indexOf(':') + 1)));

/** What each remediation's own describe and plan say of each resource, read on the same state. */
async function plannersVerdicts(
  state: unknown,
  resources: readonly { remediation: string; id: string }[],
): Promise<Map<string, string>> {
  const sim = await SimulatedCloud.create(state as never, { dynamodb: false });
  const clients = sim.clientFactory();
  const ctx: RemediationContext = {
    client: (ctor) => clients.get(ctor, { region: SCAN_REGION, account: SCAN_ACCOUNT }),
    region: SCAN_REGION,
    accountId: SCAN_ACCOUNT,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
  };
  const settings = parseSettings({});
  const out = new Map<string, string>();
  const verdictOf = async (r: { remediation: string; id: string }) => {
    const remediation = findRemediation(r.remediation)!;
    const own = remediationSettings(remediation, settings);
    const described = await remediation.describe(r.id, ctx, own);
    const plan = described === GONE ? undefined : remediation.plan(described, own);
    const verdict = !plan
      ? 'gone'
      : plan.kind === 'noop'
        ? 'compliant'
        : plan.kind === 'skip'
          ? 'deferred'
          : 'change';
    out.set(`${r.remediation}/${r.id}`, verdict);
  };
  try {
    let next = 0;
    const worker = async () => {
      while (next < resources.length) await verdictOf(resources[next++]!);
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    await sim.close();
  }
  return out;
}

describe('Function: airlock scan on the sample account (spawned)', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-scan-'));
    expect((await runAirlock(['sim', 'init', 'account.json'], { cwd: dir })).code).toBe(0);
  }, 60_000);

  it('lists every violation with its exact calls and the look-alikes left alone, writing nothing (exit 1)', async () => {
    // Prepare
    const before = readFileSync(join(dir, 'account.json'), 'utf8');

    // Act
    const run = await runAirlock(
      ['scan', '--sim-state', 'account.json', '--output', 'json', '--html', 'scan.html'],
      {
        cwd: dir,
      },
    );

    // Assess
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as {
      findings: Finding[];
      apiCalls: Record<string, number>;
      account: string;
    };
    expect(out.account).toBe('111122223333');
    const changed = out.findings.filter((f) => f.verdict === 'change');
    expect(new Set(changed.map((f) => f.remediation))).toEqual(new Set(REMEDIATIONS.map((r) => r.id)));
    expect(changed.find((f) => f.remediation === 'revoke-open-ssh')?.steps).toEqual([
      {
        action: 'ec2:RevokeSecurityGroupIngress',
        api: 'RevokeSecurityGroupIngress',
        input: { GroupId: 'sg-0a1b2c3d4e5f60718', SecurityGroupRuleIds: ['sgr-0000000000000a001'] },
        reason: expect.stringMatching(/tcp 22 open to 0\.0\.0\.0\/0/),
      },
    ]);
    expect(out.findings.find((f) => f.resource === 'airlock-sample-audit')).toMatchObject({
      verdict: 'compliant',
      reason: 'the public access block has all four settings on',
    });
    expect(writesOf(out.apiCalls)).toEqual([]);
    expect(readFileSync(join(dir, 'account.json'), 'utf8')).toBe(before);
    const html = readFileSync(join(dir, 'scan.html'), 'utf8');
    expect(html).toMatch(/<title>airlock scan<\/title>/);
    expect(html).toContain('RevokeSecurityGroupIngress');
    expect(html).toContain('Content-Security-Policy');
  });

  it('shows what is exempt and why, and exits 0 when nothing would change', async () => {
    // Prepare: an exemption for every violation the sample account holds
    const first = JSON.parse(
      (await runAirlock(['scan', '--sim-state', 'account.json', '--output', 'json'], { cwd: dir })).stdout,
    ) as { findings: Finding[] };
    const expires = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
    const register = first.findings
      .filter((f) => f.verdict === 'change')
      .map((f, i) => ({
        id: `EX-${i + 1}`,
        resourceId: f.resource,
        remediation: f.remediation,
        reason: 'onboarding: owner migrating, CHG-1',
        approvedBy: 'secops-lead@example.com',
        expires,
      }));
    writeFileSync(join(dir, 'exemptions.json'), JSON.stringify(register));

    // Act
    const table = await runAirlock(
      ['scan', '--sim-state', 'account.json', '--exemptions', 'exemptions.json'],
      {
        cwd: dir,
      },
    );

    // Assess
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/0 would change, 5 exempt, 1 left alone/);
    expect(table.stdout).toMatch(/Exempt \(a violation the exemption register holds back\):/);
    expect(table.stdout).toMatch(
      /EX-1\s+\S+\s+secops-lead@example\.com\s+onboarding: owner migrating, CHG-1/,
    );
    expect(table.stdout).toMatch(/Left alone \(look-alikes the planners found compliant\):/);
  });

  it.each([
    [['--exemptions', 'nope.json'], /--exemptions nope\.json: no such file/],
    [['--settings', 'bad.json'], /--settings bad\.json: mode: Invalid option/],
    [['--remediation', 'delete-everything'], /--remediation "delete-everything": not one of/],
    [['--concurrency', '0'], /--concurrency "0" must be a whole number/],
  ])('exits 2 on bad input, before reading anything: %s', async (args, message) => {
    // Prepare
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ mode: 'on' }));

    // Act
    const run = await runAirlock(['scan', '--sim-state', 'account.json', ...args], { cwd: dir });

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('exits 2 without a region against AWS', async () => {
    const run = await runAirlock(['scan'], { cwd: dir, env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no AWS region: pass --region/);
  });
});

describe('Function: airlock scan on a generated account of 5,000 resources (spawned)', {
  timeout: 600_000,
}, () => {
  let dir: string;
  let resources: ScanResource[];
  let state: ReturnType<typeof scanAccountState>['state'];
  let run: Awaited<ReturnType<typeof runAirlock>>;
  let out: { findings: Finding[]; apiCalls: Record<string, number>; counts: Record<string, number> };

  beforeAll(async () => {
    ({ state, resources } = scanAccountState(5000));
    // a few throttles on the way: the scan backs off and retries like the functions
    state.faults = [{ kind: 'throttle', rate: 0.01, times: 10 }];
    dir = mkdtempSync(join(tmpdir(), 'airlock-scan-big-'));
    writeFileSync(join(dir, 'big.json'), JSON.stringify(state));
    run = await runAirlock(['scan', '--sim-state', 'big.json', '--output', 'json', '--progress'], {
      cwd: dir,
      timeoutMs: 540_000,
    });
    out = JSON.parse(run.stdout);
  }, 600_000);

  it('gives every resource the verdict its remediation’s planner gives it', async () => {
    // Act
    const planners = await plannersVerdicts(state, resources);

    // Assess
    expect(run.code).toBe(1);
    expect(out.findings).toHaveLength(5000);
    const scanned = new Map(out.findings.map((f) => [`${f.remediation}/${f.resource}`, f.verdict]));
    for (const r of resources) {
      const key = `${r.remediation}/${r.id}`;
      expect({ key, scan: scanned.get(key) }).toEqual({ key, scan: planners.get(key) });
      expect({ key, scan: scanned.get(key) }).toEqual({ key, scan: r.expected });
    }
    expect(out.counts).toMatchObject({ change: 2500, compliant: 2500, error: 0, deferred: 0, gone: 0 });
  });

  it('pages through every listing: as many list calls as the page sizes imply (and at most 10 retries more)', () => {
    // Assess: 1,000 resources per kind; the EC2 kinds' describes by id use the same call once each
    const between = (key: string, calls: number) => {
      expect({ key, calls: out.apiCalls[key] }).toEqual({ key, calls: expect.any(Number) });
      expect(out.apiCalls[key]).toBeGreaterThanOrEqual(calls);
      expect(out.apiCalls[key]).toBeLessThanOrEqual(calls + 10);
    };
    between('eks:ListClusters', 10); // 100 a page
    between('ec2:DescribeRouteTables', 10 + 1000); // 100 a page
    between('ec2:DescribeTransitGatewayRouteTables', 1 + 1000); // 1,000 a page
    between('ec2:DescribeSecurityGroups', 1); // 1,000 a page; every group has rules
    between('s3:ListBuckets', 1);
  });

  it('makes no write call and leaves the state file as it was', () => {
    expect(writesOf(out.apiCalls)).toEqual([]);
    expect(readFileSync(join(dir, 'big.json'), 'utf8')).toBe(JSON.stringify(state));
    expect(existsSync(join(dir, 'scan.html'))).toBe(false);
  });

  it('shows its progress on stderr with --progress, listing then planning', () => {
    const lines = run.stderr.split('\n');
    expect(lines.some((l) => /^\d+ listed [\d.]+\/s revoke-open-ssh$/.test(l))).toBe(true);
    expect(lines.some((l) => /^█*░+ \d+\/5000 planned [\d.]+\/s$/.test(l))).toBe(true);
    expect(lines.some((l) => /^█+ 5000\/5000 planned [\d.]+\/s$/.test(l))).toBe(true);
  });
});

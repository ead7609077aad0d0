import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';
import { SimulatedCloud } from './cloud.js';
import { sampleSimState } from './sample.js';
import { snapshotAccount } from './snapshot.js';
import { loadSimState } from './state.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';

describe('Function: snapshotAccount', () => {
  it('captures an account read-only into a state that reproduces it', async () => {
    // Prepare
    const source = sampleSimState();
    const sim = await SimulatedCloud.create(source, { dynamodb: false });

    // Act
    const { state, warnings } = await snapshotAccount(sim.clientFactory(), REGION);
    await sim.close();

    // Assess
    expect(warnings).toEqual([]);
    expect(Object.keys(sim.writes())).toEqual([]);
    const got = state.accounts[ACCOUNT]!;
    const want = source.accounts[ACCOUNT]!;
    const region = got.regions[REGION]!;
    expect(region.securityGroups.map((g) => g.Rules)).toEqual(
      want.regions[REGION]!.securityGroups.map((g) => g.Rules),
    );
    expect(region.securityGroups[0]?.Tags).toEqual(want.regions[REGION]!.securityGroups[0]?.Tags);
    expect(region.routeTables).toEqual(want.regions[REGION]!.routeTables);
    expect(region.transitGatewayRouteTables.map((t) => t.Routes)).toEqual(
      want.regions[REGION]!.transitGatewayRouteTables.map((t) => t.Routes),
    );
    expect(region.eksClusters[0]?.resourcesVpcConfig).toEqual(
      want.regions[REGION]!.eksClusters[0]?.resourcesVpcConfig,
    );
    expect(Object.keys(got.buckets).sort()).toEqual(Object.keys(want.buckets).sort());
    expect(got.buckets['airlock-sample-audit']?.objectLock).toEqual(
      want.buckets['airlock-sample-audit']?.objectLock,
    );
    expect(got.buckets['airlock-sample-public-bucket']?.publicAccessBlock).toEqual(
      want.buckets['airlock-sample-public-bucket']?.publicAccessBlock,
    );
  });

  it('reports the reads that fail and keeps the rest', async () => {
    // Prepare
    const sim = await SimulatedCloud.create(sampleSimState(), { dynamodb: false });
    sim.setFaults([{ api: 'eks:*', kind: 'server-error', rate: 1 }]);

    // Act
    const { state, warnings } = await snapshotAccount(sim.clientFactory({ maxAttempts: 1 }), REGION);
    await sim.close();

    // Assess
    expect(warnings).toEqual([expect.stringMatching(/^eks:ListClusters: ServerException/)]);
    expect(state.accounts[ACCOUNT]?.regions[REGION]?.eksClusters).toEqual([]);
    expect(state.accounts[ACCOUNT]?.regions[REGION]?.securityGroups).toHaveLength(1);
  });
});

describe('Function: airlock sim', () => {
  let dir: string;
  let out: string[];
  let err: string[];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'airlock-sim-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => vi.restoreAllMocks());

  const run = async (...args: string[]) => {
    out = [];
    err = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((t) => out.push(String(t)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((t) => err.push(String(t)) > 0);
    const code = await main(['node', 'airlock', 'sim', ...args]);
    vi.restoreAllMocks();
    return code;
  };

  it('writes a valid sample state, and refuses to overwrite it without --force', async () => {
    // Prepare
    const file = join(dir, 'init.json');

    // Act
    const first = await run('init', file);
    const second = await run('init', file);
    const refusal = err.join('');
    const forced = await run('init', file, '--force');

    // Assess
    expect(first).toBe(0);
    expect(loadSimState(file).accounts[ACCOUNT]).toBeDefined();
    expect(second).toBe(2);
    expect(refusal).toMatch(/already exists: pass --force/);
    expect(forced).toBe(0);
  });

  it('shows a summary of a state file', async () => {
    // Prepare
    const file = join(dir, 'show.json');
    await run('init', file);

    // Act
    const code = await run('show', file);

    // Assess
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/sg-0a1b2c3d4e5f60718 .*1 ingress from the world/);
    expect(out.join('')).toMatch(/eks cluster +platform +ACTIVE, public on, private off/);
  });

  it('names the bad field of an invalid state file and exits 2', async () => {
    // Prepare
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ accounts: { [ACCOUNT]: { regions: { [REGION]: { eksClusters: [{ name: '' }] } } } } }),
    );

    // Act
    const code = await run('show', file);
    const message = err.join('');
    const missing = await run('show', join(dir, 'nope.json'));

    // Assess
    expect(code).toBe(2);
    expect(message).toContain(`accounts.${ACCOUNT}.regions.${REGION}.eksClusters.0.name`);
    expect(missing).toBe(2);
    expect(err.join('')).toMatch(/no such state file \(create one with: airlock sim init/);
  });

  it('refuses a snapshot with a malformed region before any call', async () => {
    // Act
    const code = await run('snapshot', '--region', 'west', '--out', join(dir, 'snap.json'));

    // Assess
    expect(code).toBe(2);
    expect(existsSync(join(dir, 'snap.json'))).toBe(false);
  });
});

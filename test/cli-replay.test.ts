import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  DEMO_ACCOUNT,
  DEMO_REGION,
  DEMO_SETTINGS,
  DEMO_VIOLATIONS,
  demoState,
} from '../cli/demo/scenario.js';
import { sampleEvent } from '../cli/events/sample.js';
import { buildProgram } from '../cli/main.js';
import { replayEvents } from '../cli/replay/replay.js';
import { simTarget } from '../cli/replay/sim-target.js';
import { isWriteApi } from '../cli/sim/index.js';
import { findRemediation } from '../functions/registry.js';
import { verifyRecordDigest } from '../shared/audit-record.js';
import { mergeSettings } from '../shared/settings.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'airlock.mjs');

async function airlock(
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A folder with the demo's account as a state file, and each violation's event (twice, like an at-least-once bus). */
function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'airlock-cli-'));
  writeFileSync(join(dir, 'account.json'), JSON.stringify(demoState()));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(DEMO_SETTINGS));
  const events = DEMO_VIOLATIONS.map((v) =>
    sampleEvent(findRemediation(v.remediation)!, {
      resourceId: v.resourceId,
      account: DEMO_ACCOUNT,
      region: DEMO_REGION,
      compliance: 'NON_COMPLIANT',
    }),
  );
  writeFileSync(
    join(dir, 'events.ndjson'),
    `${[...events, ...events].map((e) => JSON.stringify(e)).join('\n')}\n`,
  );
  return dir;
}

/** A write to the account (`ec2:ModifySubnetAttribute`), not to airlock's own idempotency table. */
const isAccountWrite = (key: string) =>
  !key.startsWith('dynamodb:') && isWriteApi(key.slice(key.indexOf(':') + 1));

describe('Function: airlock replay (the real command)', { timeout: 90_000 }, () => {
  it('plans every violation and writes nothing by default', async () => {
    // Prepare
    const dir = workspace();
    const before = readFileSync(join(dir, 'account.json'), 'utf8');

    // Act
    const out = await airlock(
      [
        'replay',
        'events.ndjson',
        '--sim-state',
        'account.json',
        '--settings',
        'settings.json',
        '--output',
        'json',
      ],
      dir,
    );

    // Assess
    expect(out.code).toBe(0);
    const { results, summary } = JSON.parse(out.stdout);
    expect(results).toHaveLength(DEMO_VIOLATIONS.length * 2);
    expect(results.every((r: { outcome: string }) => r.outcome === 'PLANNED')).toBe(true);
    expect(Object.keys(summary.apiCalls).filter(isAccountWrite)).toEqual([]);
    expect(readFileSync(join(dir, 'account.json'), 'utf8')).toBe(before);
  });

  it('applies each violation with exactly one write per step although every event is delivered twice (--as-deployed)', async () => {
    // Prepare
    const dir = workspace();

    // Act
    const out = await airlock(
      [
        'replay',
        'events.ndjson',
        '--sim-state',
        'account.json',
        '--settings',
        'settings.json',
        '--mode',
        'apply',
        '--as-deployed',
        '--output',
        'json',
        '--file',
        'trail.ndjson',
        '--concurrency',
        '10',
      ],
      dir,
    );

    // Assess
    expect(out.code).toBe(0);
    const { results, summary } = JSON.parse(out.stdout);
    expect(results.every((r: { outcome: string }) => r.outcome === 'APPLIED')).toBe(true);
    expect(summary.duplicates).toBe(DEMO_VIOLATIONS.length);
    const appliedSteps = results.flatMap((r: { steps: { result: string }[] }) =>
      r.steps.filter((s) => s.result === 'applied'),
    );
    const writes = Object.entries(summary.apiCalls as Record<string, number>)
      .filter(([k]) => isAccountWrite(k))
      .reduce((n, [, v]) => n + v, 0);
    expect(writes).toBe(appliedSteps.length);
    const trail = readFileSync(join(dir, 'trail.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(trail).toHaveLength(DEMO_VIOLATIONS.length);
    expect(trail.every(verifyRecordDigest)).toBe(true);
    // the state file was saved: a second replay finds nothing left to do
    const again = await airlock(
      [
        'replay',
        'events.ndjson',
        '--sim-state',
        'account.json',
        '--settings',
        'settings.json',
        '--output',
        'json',
      ],
      dir,
    );
    expect(
      JSON.parse(again.stdout).results.every(
        (r: { outcome: string }) => r.outcome === 'APPLIED' || r.outcome === 'NOOP',
      ),
    ).toBe(true);
  });

  it.each([
    [['replay', 'missing.json'], /missing\.json: no such file or directory/],
    [['replay', 'notevent.json', '--sim-state', 'account.json'], /notevent\.json: not an event/],
    [['replay', 'broken.ndjson', '--sim-state', 'account.json'], /broken\.ndjson:2: not valid JSON/],
    [['replay', 'events.ndjson', '--concurrency', 'many'], /--concurrency "many" must be a whole number/],
    [['replay', 'events.ndjson', '--mode', 'yolo'], /argument 'yolo' is invalid/],
  ])('exits 2 with a message that names the problem: %s', async (args, message) => {
    // Prepare
    const dir = workspace();
    writeFileSync(join(dir, 'notevent.json'), '{"hello": "world"}');
    writeFileSync(join(dir, 'broken.ndjson'), '{"detail-type":"x","source":"aws.config"}\n{oops\n');

    // Act
    const out = await airlock(args, dir);

    // Assess
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(message);
  });

  it('prints help and exits 0', async () => {
    const out = await airlock(['replay', '--help'], workspace());
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/Usage: airlock replay \[options\] <inputs\.\.\.>/);
    expect(out.stdout).toMatch(/Exit codes: 0 every event handled, 1 some FAILED, 2 bad input/);
  });

  it('has a description and help text on every command', () => {
    const walk = (c: Command): Command[] => [c, ...c.commands.flatMap(walk)];
    for (const command of walk(buildProgram())) {
      expect(command.description(), command.name()).not.toBe('');
      expect(command.helpInformation()).toMatch(/Usage:/);
    }
  });
});

describe('Function: replayEvents under injected faults', () => {
  it('ends every event APPLIED or in a FAILED record with 20 % throttling and 2 % 5xx: none silently lost', async () => {
    // Prepare
    const dir = workspace();
    const state = demoState();
    state.faults = [
      { kind: 'throttle', rate: 0.2 },
      { kind: 'server-error', rate: 0.02 },
    ];
    writeFileSync(join(dir, 'faulty.json'), JSON.stringify(state));
    const target = await simTarget(join(dir, 'faulty.json'));
    const events = readFileSync(join(dir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l, i) => ({ origin: `events.ndjson:${i + 1}`, event: JSON.parse(l) }));

    // Act
    const results = await replayEvents(events, {
      mode: 'apply',
      clients: target.clients,
      settings: mergeSettings(target.settings, {
        ...DEMO_SETTINGS,
        audit: { file: join(dir, 'trail.ndjson') },
      }),
      concurrency: 10,
      // each event is delivered twice: answered from the idempotency table, as the deployed function does
      asDeployed: true,
      ...(target.homeRegion ? { homeRegion: target.homeRegion } : {}),
    });
    const writes = target.sim
      .changes()
      .filter((c) => !c.api.startsWith('dynamodb:') && !c.api.startsWith('s3:PutObject'));
    await target.close(false);

    // Assess
    expect(results).toHaveLength(events.length);
    for (const r of results) {
      expect(['APPLIED', 'FAILED']).toContain(r.outcome);
      expect(r.recordId, `${r.origin} ended ${r.outcome} without an audit record`).toMatch(/^[0-9a-f-]{36}$/);
    }
    const trail = readFileSync(join(dir, 'trail.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const recorded = new Set(trail.map((t: { id: string }) => t.id));
    for (const r of results) expect(recorded.has(r.recordId ?? '')).toBe(true);
    // no resource was written more often than its plan has steps (no double write)
    const planned = new Map<string, number>();
    for (const t of trail as { outcome: string; resource: { id?: string }; steps: unknown[] }[]) {
      if (!['APPLIED', 'FAILED'].includes(t.outcome) || !t.resource.id) continue;
      planned.set(t.resource.id, Math.max(planned.get(t.resource.id) ?? 0, t.steps.length));
    }
    const perResource = new Map<string, number>();
    for (const c of writes) perResource.set(c.resourceId, (perResource.get(c.resourceId) ?? 0) + 1);
    for (const [resource, n] of perResource) {
      expect(
        planned.get(resource),
        `${resource} was written without an APPLIED or FAILED record`,
      ).toBeDefined();
      expect(n, resource).toBeLessThanOrEqual(planned.get(resource)!);
    }
  }, 60_000);
});

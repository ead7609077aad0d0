import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { buildRealTrail, tempDir } from '../../test/helpers/real-trail.js';
import { main } from '../main.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'airlock.mjs');

/** Runs the real `airlock` command; resolves with its exit code and output. */
async function airlock(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', AWS_REGION: '', AWS_PROFILE: '' },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Runs the CLI in this process (same code path, no start-up cost), capturing its output. */
async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'airlock', ...args]);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

/** Spawning the command costs seconds of start-up on a busy machine. */
const SPAWN_TIMEOUT = 180_000;

const ec2 = mockClient(EC2Client);
let dir: string;
let trail: string;
let records: AuditRecord[];

beforeAll(async () => {
  dir = tempDir();
  trail = join(dir, 'trail.ndjson');
  records = await buildRealTrail(ec2, trail);
});

describe('Function: airlock audit (the command, spawned)', () => {
  it(
    'verify exits 0 on the trail the pipeline wrote, 1 naming the line and id of a tampered record, 2 on a missing file',
    async () => {
      // Prepare
      const tampered = join(dir, 'tampered.ndjson');
      const lines = readFileSync(trail, 'utf8').trimEnd().split('\n');
      lines[3] = lines[3]!.replace('"outcome":"FAILED"', '"outcome":"NOOP"');
      writeFileSync(tampered, `${lines.join('\n')}\n`);

      // Act
      const [ok, bad, missing] = await Promise.all([
        airlock('audit', 'verify', '--file', trail),
        airlock('audit', 'verify', '--file', tampered),
        airlock('audit', 'verify', '--file', join(dir, 'nope.ndjson')),
      ]);

      // Assess
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toMatch(/^OK: 5 record\(s\), digests and chain verified; head [0-9a-f]{64}$/m);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`${tampered}: line 4 (${records[3]!.id}): altered`);
      expect(bad.stdout).toContain('FAILED: 1 problem(s) in 5 record(s)');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain(
        `cannot read the audit trail ${join(dir, 'nope.ndjson')}: no such file`,
      );
    },
    SPAWN_TIMEOUT,
  );

  it(
    'list prints JSON that parses, and exits 2 on a bad flag value',
    async () => {
      // Act
      const [json, badSince] = await Promise.all([
        airlock('audit', 'list', '--file', trail, '--output', 'json'),
        airlock('audit', 'list', '--file', trail, '--since', 'last tuesday'),
      ]);

      // Assess
      expect(json.code, json.stderr).toBe(0);
      expect((JSON.parse(json.stdout) as AuditRecord[]).map((r) => r.id)).toEqual(records.map((r) => r.id));
      expect(badSince.code).toBe(2);
      expect(badSince.stderr).toContain('--since "last tuesday" is not a time');
    },
    SPAWN_TIMEOUT,
  );
});

describe('Function: airlock audit (the command, in process)', () => {
  it('list exports NDJSON, CSV, OCSF and a table, filtered; no source is bad input', async () => {
    // Act
    const ndjson = await inProcess(
      'audit',
      'list',
      '--file',
      trail,
      '--output',
      'ndjson',
      '--outcome',
      'FAILED,REJECTED',
    );
    const csv = await inProcess(
      'audit',
      'list',
      '--file',
      trail,
      '--output',
      'csv',
      '--account',
      '444455556666',
    );
    const ocsf = await inProcess('audit', 'list', '--file', trail, '--output', 'ocsf', '--mode', 'dry-run');
    const table = await inProcess('audit', 'list', '--file', trail, '--since', '1h', '--region', 'eu-west-2');
    const noSource = await inProcess('audit', 'list');
    const badOutput = await inProcess('audit', 'list', '--file', trail, '--output', 'xml');

    // Assess
    expect(
      ndjson.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).outcome),
    ).toEqual(['FAILED', 'REJECTED']);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^"id","time","outcome",/);
    expect(csv.stdout.split('\r\n').filter(Boolean)).toHaveLength(2);
    expect(
      ocsf.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([expect.objectContaining({ class_uid: 7001, status_code: 'PLANNED' })]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^TIME\s+OUTCOME/);
    expect(table.stdout).toContain('4 record(s)');
    expect(table.stdout).not.toContain('\u001b[');
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain('pass --file TRAIL.ndjson');
    expect(badOutput.code).toBe(2);
  });

  it('show prints one record in full; an unknown id is bad input; help has an example', async () => {
    // Act
    const shown = await inProcess('audit', 'show', records[0]!.id, '--file', trail);
    const unknown = await inProcess('audit', 'show', '01a00000-0000-7000-8000-000000000000', '--file', trail);
    const help = await inProcess('audit', 'show', '--help');

    // Assess
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`Record ${records[0]!.id}  APPLIED`);
    expect(shown.stdout).toContain('verified, the record matches its digest');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no record 01a00000-0000-7000-8000-000000000000 in ${trail}`);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Example:');
  });

  it('report writes one self-contained HTML page', async () => {
    // Prepare
    const html = join(dir, 'report.html');

    // Act
    const result = await inProcess('audit', 'report', '--file', trail, '--html', html);

    // Assess
    expect(result.code, result.stderr).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('<svg class="chart" id="chart-over-time"');
    expect(page).not.toMatch(/<script|<link|src=["']http/i);
    expect(page).toContain('sg-&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

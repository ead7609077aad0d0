import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointPath, sealCheckpoint } from '../../shared/audit-checkpoint.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { sealRecord } from '../../shared/audit-record.js';
import { kmsSigner, type SignatureVerifier } from '../../shared/audit-signer.js';
import { CHAIN_GENESIS, chainLink, fileSink, signedSinks } from '../../shared/audit-sinks.js';
import { sampleRecord } from '../../test/helpers/audit-records.js';
import { runInProcess } from '../../test/helpers/cli.js';
import { tempDir } from '../../test/helpers/real-trail.js';
import { REGION, SIGNING_KEY, signedOrganization, trustedVerifier } from '../../test/helpers/signed-trail.js';
import type { SimulatedCloud } from '../sim/cloud.js';
import { readCheckedTrail } from './integrity.js';

const N = 5;
const idOf = (i: number) => `0190f3a2-7b1c-7def-8abc-0123456789a${i}`;

function recordAt(i: number): AuditRecord {
  return sampleRecord({
    id: idOf(i),
    time: `2026-11-20T10:0${i}:06.000Z`,
    outcome: i === 2 ? 'FAILED' : 'APPLIED',
    mode: 'enforce',
    resource: { type: 'AWS::EC2::SecurityGroup', id: `sg-0a0a0a0a0a0a0a0a${i}` },
  });
}

/** A trail of N records written by the file sink (with its checkpoint), in a fresh directory. */
async function writtenTrail(): Promise<string> {
  const path = join(tempDir(), 'trail.ndjson');
  const sink = fileSink(path);
  for (let i = 0; i < N; i++) await sink.write(recordAt(i));
  return path;
}

const linesOf = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n');
const writeLines = (path: string, lines: readonly string[]) => writeFileSync(path, `${lines.join('\n')}\n`);

/** Re-chains lines from the first: what someone who knows the chain's rule can do to the file. */
function rechain(lines: readonly string[]): string[] {
  let previous = CHAIN_GENESIS;
  return lines.map((line) => {
    const { chain: _c, ...record } = JSON.parse(line) as AuditRecord & { chain?: string };
    previous = chainLink(previous, record.digest.value);
    return JSON.stringify({ ...record, chain: previous });
  });
}

/** Each way of tampering with a local trail, and what verify must say about it. */
const TAMPERING: readonly {
  name: string;
  tamper: (path: string) => void;
  expected: RegExp;
}[] = [
  {
    name: 'a field altered',
    tamper: (p) =>
      writeLines(
        p,
        linesOf(p).map((l, i) => (i === 2 ? l.replace('"FAILED"', '"NOOP"') : l)),
      ),
    expected: /line 3 \(.*\): altered/,
  },
  {
    name: 'a record inserted',
    tamper: (p) => {
      const lines = linesOf(p);
      const forged = JSON.stringify({ ...recordAt(9), chain: 'f'.repeat(64) });
      writeLines(p, [...lines.slice(0, 2), forged, ...lines.slice(2)]);
    },
    expected: /line 3 \(.*\): inserted/,
  },
  {
    name: 'a record deleted in the middle',
    tamper: (p) =>
      writeLines(
        p,
        linesOf(p).filter((_, i) => i !== 1),
      ),
    expected: /the chain breaks here: a record was removed after line 1/,
  },
  {
    name: 'the last records deleted',
    tamper: (p) => writeLines(p, linesOf(p).slice(0, N - 2)),
    expected: /truncated: the trail holds 3 record\(s\), its checkpoint 5/,
  },
  {
    name: 'two records reordered',
    tamper: (p) => {
      const lines = linesOf(p);
      writeLines(p, [lines[0]!, lines[2]!, lines[1]!, ...lines.slice(3)]);
    },
    expected: /in the wrong order \(swapped\)/,
  },
  {
    name: 'a record altered, sealed again and the chain recomputed, without the checkpoint',
    tamper: (p) => {
      const lines = linesOf(p);
      const { chain: _c, digest: _d, ...content } = JSON.parse(lines[2]!) as AuditRecord & { chain: string };
      lines[2] = JSON.stringify(sealRecord({ ...content, outcome: 'NOOP', reason: 'nothing to do' }));
      writeLines(p, rechain(lines));
    },
    expected: /the trail was rewritten or re-sealed without its checkpoint/,
  },
  {
    name: 'the tail deleted and the chain recomputed, without the checkpoint',
    tamper: (p) => writeLines(p, rechain(linesOf(p).slice(0, N - 1))),
    expected: /truncated: the trail holds 4 record\(s\), its checkpoint 5/,
  },
  {
    name: 'a record appended without the writer',
    tamper: (p) => {
      const lines = linesOf(p);
      writeLines(p, rechain([...lines, JSON.stringify(recordAt(7))]));
    },
    expected: /line 6 \(.*\) and after: 1 record\(s\) after the checkpoint's head/,
  },
];

describe('Function: readCheckedTrail (local trail, every way of tampering)', () => {
  it('passes the trail as the sink wrote it, checkpoint included', async () => {
    // Prepare
    const path = await writtenTrail();

    // Act
    const { records, integrity } = await readCheckedTrail({ kind: 'file', path }, {}, Date.now(), {
      requireSignature: false,
      requireCheckpoint: true,
    });

    // Assess
    expect(integrity.problems).toEqual([]);
    expect(records.map((r) => r.id)).toEqual(Array.from({ length: N }, (_, i) => idOf(i)));
    expect(integrity.checked).toBe(N);
    expect(integrity.checkpoint).toContain(`${N} record(s), head ${integrity.head}`);
  });

  it.each(TAMPERING)('catches $name', async ({ tamper, expected }) => {
    // Prepare
    const path = await writtenTrail();
    tamper(path);

    // Act
    const { integrity } = await readCheckedTrail({ kind: 'file', path }, {}, Date.now(), {
      requireSignature: false,
      requireCheckpoint: true,
    });

    // Assess
    expect(integrity.problems.map((p) => p.message).join('\n')).toMatch(expected);
  });

  it('refuses a trail whose checkpoint is gone, unless told it was written without one', async () => {
    // Prepare
    const path = await writtenTrail();
    writeLines(path, linesOf(path).slice(0, 3));
    writeFileSync(checkpointPath(path), '');

    // Act
    const garbled = await readCheckedTrail({ kind: 'file', path }, {}, Date.now(), {
      requireSignature: false,
      requireCheckpoint: true,
    });
    rmSync(checkpointPath(path));
    const [required, optional] = await Promise.all(
      [true, false].map((requireCheckpoint) =>
        readCheckedTrail({ kind: 'file', path }, {}, Date.now(), {
          requireSignature: false,
          requireCheckpoint,
        }),
      ),
    );

    // Assess
    expect(garbled.integrity.problems.map((p) => p.message)).toEqual([
      `checkpoint ${checkpointPath(path)}: not valid JSON`,
    ]);
    expect(required!.integrity.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('records removed from the end cannot be detected'),
    ]);
    expect(optional!.integrity.problems).toEqual([]);
    expect(optional!.integrity.checkpoint).toContain('none: no checkpoint');
  });
});

describe('Function: signed checkpoint', () => {
  let sim: SimulatedCloud;
  let verifier: SignatureVerifier;
  beforeAll(async () => {
    sim = await signedOrganization([]);
    verifier = await trustedVerifier(sim);
  });
  afterAll(() => sim.close());

  it('holds when the signing key signed it; a checkpoint rewritten by anyone else does not', async () => {
    // Prepare
    const path = join(tempDir(), 'signed.ndjson');
    const signer = kmsSigner(sim.clientFactory().get(KMSClient, { region: REGION }), SIGNING_KEY);
    const [sink] = signedSinks(signer, [fileSink(path, { signer })]);
    for (let i = 0; i < 3; i++) await sink!.write(recordAt(i));
    const options = { verifier, requireSignature: true, requireCheckpoint: true };
    const genuine = await readCheckedTrail({ kind: 'file', path }, {}, Date.now(), options);

    // Act: cut the last record and write a checkpoint for what is left, without the key
    const lines = linesOf(path).slice(0, 2);
    writeLines(path, lines);
    const last = JSON.parse(lines[1]!) as AuditRecord & { chain: string };
    const forged = await sealCheckpoint({ records: 2, head: last.chain, lastId: last.id, time: last.time });
    writeFileSync(checkpointPath(path), JSON.stringify(forged));
    const cut = await readCheckedTrail({ kind: 'file', path }, {}, Date.now(), options);

    // Assess
    expect(genuine.integrity.problems).toEqual([]);
    expect(genuine.integrity.checkpoint).toMatch(/^3 record\(s\), head [0-9a-f]{64} \(signed,/);
    expect(cut.integrity.problems.map((p) => p.message)).toEqual([
      'the checkpoint is unsigned where a signature is required',
    ]);
  });
});

describe('Function: airlock audit list, show, report and verify on a tampered trail', () => {
  it('verify fails, list and the OCSF export warn and exit 1, report shows the problem, --no-verify reads silently', async () => {
    // Prepare
    const path = await writtenTrail();
    writeLines(path, linesOf(path).slice(0, N - 1));
    const html = join(tempDir(), 'report.html');

    // Act
    const verify = await runInProcess('audit', 'verify', '--file', path);
    const list = await runInProcess('audit', 'list', '--file', path, '--output', 'json');
    const ocsf = await runInProcess('audit', 'list', '--file', path, '--output', 'ocsf');
    const show = await runInProcess('audit', 'show', idOf(0), '--file', path);
    const report = await runInProcess('audit', 'report', '--file', path, '--html', html);
    const page = readFileSync(html, 'utf8');
    const fast = await runInProcess('audit', 'list', '--file', path, '--no-verify');

    // Assess
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('truncated: the trail holds 4 record(s), its checkpoint 5');
    expect(verify.stdout).toContain('FAILED: 1 problem(s) in 4 record(s)');
    for (const run of [list, ocsf, show, report]) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`WARNING: the trail ${path} does not verify: 1 problem(s) in 4 record(s)`);
    }
    expect((JSON.parse(list.stdout) as AuditRecord[]).length).toBe(4);
    expect(ocsf.stdout.trim().split('\n')).toHaveLength(4);
    expect(page).toContain('data-status="broken"');
    expect(page).toMatch(
      /<table id="table-integrity">.*truncated: the trail holds 4 record\(s\), its checkpoint 5/s,
    );
    expect(page).toContain('<span id="integrity-checked">4</span>');
    expect(fast.code).toBe(0);
    expect(fast.stderr).toContain('integrity not checked (--no-verify)');
    expect(fast.stderr).not.toContain('WARNING');
  });

  it('says the trail verified, with its head, when it holds', async () => {
    // Prepare
    const path = await writtenTrail();
    const html = join(tempDir(), 'report.html');

    // Act
    const list = await runInProcess('audit', 'list', '--file', path);
    const report = await runInProcess('audit', 'report', '--file', path, '--html', html);
    const page = readFileSync(html, 'utf8');

    // Assess
    expect(list.code).toBe(0);
    expect(list.stderr).not.toContain('WARNING');
    expect(report.code).toBe(0);
    expect(page).toContain('data-status="verified"');
    expect(page).toMatch(/<dt>Chain head<\/dt><dd><span class="mono">[0-9a-f]{64}<\/span>/);
    expect(page).not.toContain('table-integrity');
  });
});

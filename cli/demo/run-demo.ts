import type { KeyObject } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { findRemediation } from '../../functions/registry.js';
import { kmsPublicKey, localVerifier } from '../../shared/audit-signer.js';
import { canonicalJson } from '../../shared/canonical-json.js';
import { remediationSettings } from '../../shared/pipeline.js';
import { GONE } from '../../shared/remediation.js';
import { mergeSettings, parseSettings } from '../../shared/settings.js';
import { summarizeSignatures } from '../audit/signatures.js';
import { readTrailFile } from '../audit/trail-file.js';
import { verifyChain } from '../audit/verify-chain.js';
import { sampleEvent } from '../events/sample.js';
import { type ReplayResult, replayEvents } from '../replay/replay.js';
import { simTarget } from '../replay/sim-target.js';
import { cloudTrailEventFor, SAMPLE_SIGNING_KEY_ALIAS, type SimState } from '../sim/index.js';
import { cell } from '../table.js';
import {
  DEMO_ACCOUNT,
  DEMO_FAST_PATH_GROUP,
  DEMO_LOOK_ALIKES,
  DEMO_REGION,
  DEMO_SETTINGS,
  DEMO_VIOLATIONS,
  demoState,
  demoViolationEvent,
} from './scenario.js';

export interface DemoReport {
  readonly ok: boolean;
  readonly results: readonly ReplayResult[];
  readonly problems: readonly string[];
  readonly trail: string;
  readonly state: string;
}

interface Out {
  write(text: string): void;
}

const tick = (ok: boolean) => (ok ? '✔' : '✘');

/**
 * The offline demo: a simulated account with one violation per remediation and compliant look-alikes
 * beside each; the violations' Config events replayed in apply mode through the real code; then
 * proof that every violation is fixed, every look-alike untouched, and the audit trail intact.
 */
export async function runDemo(dir: string, out: Out): Promise<DemoReport> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'events'), { recursive: true });
  const statePath = join(dir, 'account.json');
  const trail = join(dir, 'audit-trail.ndjson');
  writeFileSync(statePath, `${JSON.stringify(demoState(), null, 2)}\n`);
  const problems: string[] = [];
  const show = (p: string) => relative(process.cwd(), p) || p;

  out.write(`airlock demo: a simulated account ${DEMO_ACCOUNT} in ${DEMO_REGION}, no AWS account needed\n\n`);
  out.write('Found (AWS Config would report these as NON_COMPLIANT):\n');
  const events = DEMO_VIOLATIONS.map((v) => {
    const remediation = findRemediation(v.remediation);
    out.write(`  • ${v.remediation.padEnd(27)} ${v.resourceId}: ${v.what}\n`);
    if (!remediation) {
      problems.push(`remediation ${v.remediation} is not in the registry`);
      return undefined;
    }
    const event = demoViolationEvent(v, remediation);
    const file = join(dir, 'events', `${v.remediation}-${v.resourceId}.json`);
    writeFileSync(file, `${JSON.stringify(event, null, 2)}\n`);
    return { origin: show(file), event };
  }).filter((e): e is NonNullable<typeof e> => e !== undefined);

  const target = await simTarget(statePath);
  let results: ReplayResult[] = [];
  let after: SimState;
  let trusted: KeyObject | undefined;
  const publicKeyPath = join(dir, 'audit-key.pem');
  const before = target.sim.state();
  const settingsRaw = mergeSettings(mergeSettings(target.settings, DEMO_SETTINGS), {
    audit: { file: trail },
  });
  try {
    results = await replayEvents(events, {
      mode: 'apply',
      clients: target.clients,
      settings: settingsRaw,
      concurrency: 5,
      ...(target.homeRegion ? { homeRegion: target.homeRegion } : {}),
    });

    out.write('\nChanged (each event replayed in apply mode through the real remediation code):\n');
    for (const r of results) {
      out.write(
        `  ${tick(r.outcome === 'APPLIED')} ${String(r.remediation).padEnd(27)} ${r.outcome.padEnd(8)} ${cell(r.reason, 70)}\n`,
      );
      for (const s of r.steps)
        out.write(`      ${s.api} ${cell(JSON.stringify(s.input), 100)} → ${s.result}\n`);
      if (r.outcome !== 'APPLIED') problems.push(`${r.remediation} ended ${r.outcome}: ${r.reason}`);
    }

    // every violation is fixed: read live again and plan, independently of the pipeline's own verify
    out.write('\nVerified (each resource read again and planned: nothing left to do):\n');
    const settings = parseSettings(settingsRaw);
    const logger = new Logger({ serviceName: 'airlock-demo', logLevel: 'SILENT' });
    for (const v of DEMO_VIOLATIONS) {
      const remediation = findRemediation(v.remediation);
      if (!remediation) continue;
      const ctx = {
        client: <C>(ctor: new (config: never) => C) =>
          target.clients.get(ctor as never, { region: DEMO_REGION, account: DEMO_ACCOUNT }) as C,
        region: DEMO_REGION,
        accountId: DEMO_ACCOUNT,
        logger,
      };
      const rs = remediationSettings(remediation, settings);
      const state = await remediation.describe(v.resourceId, ctx as never, rs);
      const plan = state === GONE ? undefined : remediation.plan(state, rs);
      const fixed = plan?.kind === 'noop';
      out.write(
        `  ${tick(fixed)} ${v.remediation.padEnd(27)} ${v.resourceId}: ${fixed ? 'compliant' : `still ${plan?.kind ?? 'gone'}`}\n`,
      );
      if (!fixed) problems.push(`${v.resourceId} is not compliant after the demo`);
    }

    // the fast path: an operator opens SSH by hand; CloudTrail records the call, EventBridge delivers it
    out.write('\nFast path (the API call itself, not Config minutes later):\n');
    out.write(
      `  alice (role PlatformAdmin) opens tcp 22 to 0.0.0.0/0 on "build-agents" ${DEMO_FAST_PATH_GROUP}\n`,
    );
    const ec2 = target.clients.get(EC2Client, { region: DEMO_REGION, account: DEMO_ACCOUNT });
    const admin = `arn:aws:iam::${DEMO_ACCOUNT}:role/PlatformAdmin`;
    await target.sim.actingAs(admin, () =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: DEMO_FAST_PATH_GROUP,
          IpPermissions: [
            {
              IpProtocol: 'tcp',
              FromPort: 22,
              ToPort: 22,
              IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'quick fix' }],
            },
          ],
        }),
      ),
    );
    const change = target.sim
      .changes()
      .filter((c) => c.api === 'ec2:AuthorizeSecurityGroupIngress')
      .at(-1);
    const call = change
      ? cloudTrailEventFor(change, {
          roleArn: admin,
          sessionName: 'alice',
          sourceIp: '198.51.100.24',
        })
      : undefined;
    if (!call) {
      problems.push('the simulated account recorded no AuthorizeSecurityGroupIngress call');
    } else {
      writeFileSync(
        join(dir, 'events', 'cloudtrail-authorize-ssh.json'),
        `${JSON.stringify(call, null, 2)}\n`,
      );
      const t0 = performance.now();
      const [fast] = await replayEvents([{ origin: 'cloudtrail', event: call }], {
        mode: 'apply',
        clients: target.clients,
        settings: settingsRaw,
        concurrency: 1,
        ...(target.homeRegion ? { homeRegion: target.homeRegion } : {}),
      });
      const ms = performance.now() - t0;
      const fixed = fast?.outcome === 'APPLIED';
      out.write(
        `  ${tick(fixed)} revoke-open-ssh (trigger cloudtrail) ${fast?.outcome ?? '?'} ${ms.toFixed(0)} ms after the event arrived: ${cell(fast?.reason, 60)}\n`,
      );
      if (!fixed) problems.push(`the fast path ended ${fast?.outcome}: ${fast?.reason}`);
      // Config's own evaluation arrives minutes later, for the same group: nothing left to do
      const remediation = findRemediation('revoke-open-ssh');
      if (remediation) {
        const later = sampleEvent(remediation, {
          resourceId: DEMO_FAST_PATH_GROUP,
          account: DEMO_ACCOUNT,
          region: DEMO_REGION,
          compliance: 'NON_COMPLIANT',
          now: new Date(Date.now() + 6 * 60_000),
        });
        const [cfg] = await replayEvents([{ origin: 'config', event: later }], {
          mode: 'apply',
          clients: target.clients,
          settings: settingsRaw,
          concurrency: 1,
          ...(target.homeRegion ? { homeRegion: target.homeRegion } : {}),
        });
        const noop = cfg?.outcome === 'NOOP';
        out.write(
          `  ${tick(noop)} the Config evaluation that follows minutes later: ${cfg?.outcome ?? '?'} (${cell(cfg?.reason, 60)})\n`,
        );
        if (!noop) problems.push(`the later Config event ended ${cfg?.outcome}, expected NOOP`);
        results.push(...[fast, cfg].filter((r): r is ReplayResult => r !== undefined));
      }
    }
    // the auditor's copy of the signing key's public key (kms:GetPublicKey, once)
    const kms = target.clients.get(KMSClient, { region: DEMO_REGION });
    trusted = (await kmsPublicKey(kms, SAMPLE_SIGNING_KEY_ALIAS)).key;
    writeFileSync(publicKeyPath, trusted.export({ format: 'pem', type: 'spki' }).toString());
    after = await target.sim.snapshot();
  } finally {
    await target.close(true);
  }

  out.write('\nUntouched (compliant look-alikes beside each violation):\n');
  for (const l of DEMO_LOOK_ALIKES) {
    const region = (s: SimState) => s.accounts[DEMO_ACCOUNT]!.regions[DEMO_REGION]!;
    const was = l.select(region(before), before);
    const now = l.select(region(after), after);
    const same = was !== undefined && canonicalJson(was) === canonicalJson(now);
    out.write(`  ${tick(same)} ${l.remediation.padEnd(27)} ${l.what}\n`);
    if (!same) problems.push(`look-alike changed: ${l.what}`);
  }

  // the same check as `airlock audit verify --public-key`: every digest, the hash chain, every signature
  const parsed = await readTrailFile(trail);
  const chain = verifyChain(parsed);
  const records = parsed.entries.map((e) => e.record);
  const signatures = await summarizeSignatures(
    records,
    trusted ? localVerifier([trusted], 'the demo key') : undefined,
  );
  const audit = {
    records,
    problems: [
      ...chain.problems.map((p) => p.message),
      ...signatures.invalid.map((x) => `record ${x.id}: signature not valid: ${x.reason}`),
      ...signatures.unsigned.map((id) => `record ${id} is unsigned`),
    ],
  };
  problems.push(...audit.problems);
  const applied = audit.records.filter((r) => r.outcome === 'APPLIED').length;
  const countOk = audit.records.length === results.length;
  if (!countOk)
    problems.push(`audit trail holds ${audit.records.length} records for ${results.length} events`);
  out.write(
    `\nAudit trail: ${show(trail)}\n  ${tick(countOk && audit.problems.length === 0)} ${audit.records.length} records (${applied} APPLIED), every digest, the hash chain and every signature verified\n`,
  );
  out.write(`  read it: npx airlock audit list --file ${show(trail)}\n`);
  out.write(
    `  verify it: npx airlock audit verify --file ${show(trail)} --public-key ${show(publicKeyPath)}\n`,
  );
  out.write(`Simulated account after the run: ${show(statePath)}\n\n`);
  if (problems.length) {
    out.write(`✘ demo FAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  } else {
    out.write(
      `✔ ${DEMO_VIOLATIONS.length} violations fixed, one more caught on the API call itself, ${DEMO_LOOK_ALIKES.length} look-alikes untouched, audit trail intact.\n`,
    );
  }
  return { ok: problems.length === 0, results, problems, trail, state: statePath };
}

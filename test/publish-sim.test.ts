import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { loadTrailRecords } from '../cli/audit/trail-file.js';
import { DEMO_ACCOUNT, DEMO_REGION, DEMO_VIOLATIONS } from '../cli/demo/scenario.js';
import { deliveredEvents } from '../cli/sim/index.js';
import { importAuditFinding } from '../functions/import-findings/import-findings.js';
import { replayDemo } from './helpers/demo-replay.js';

describe('Function: publishing on the simulated account (AIRLOCK_EVENT_BUS)', () => {
  it('publishes one event per record with its digest, and one finding per APPLIED or FAILED remediation', async () => {
    // Prepare
    const home = { account: DEMO_ACCOUNT, region: DEMO_REGION };

    // Act: the replay publishes; the findings function's logic runs on what the bus kept, twice
    const { target, trail, results } = await replayDemo(mkdtempSync(join(tmpdir(), 'airlock-publish-')), {
      AIRLOCK_EVENT_BUS: 'airlock-audit',
    });
    try {
      const hub = target.clients.get(SecurityHubClient, home);
      const region = (await target.sim.snapshot()).accounts[DEMO_ACCOUNT]!.regions[DEMO_REGION]!;
      const published = deliveredEvents(region, 'airlock-audit');
      for (let pass = 0; pass < 2; pass++) {
        for (const event of published) await importAuditFinding(event, { hub, home });
      }
      const after = (await target.sim.snapshot()).accounts[DEMO_ACCOUNT]!.regions[DEMO_REGION]!;
      const records = await loadTrailRecords(trail);

      // Assess
      expect(results.length).toBe(DEMO_VIOLATIONS.length);
      expect(records.length).toBe(results.length);
      expect(published).toHaveLength(records.length);
      const digests = (xs: { id: string; digest: string }[]) => xs.map((x) => `${x.id} ${x.digest}`).sort();
      expect(digests(published.map((e) => e.detail as { id: string; digest: string }))).toEqual(
        digests(records.map((r) => ({ id: r.id, digest: r.digest.value }))),
      );
      for (const event of published) {
        expect(event).toMatchObject({
          source: 'airlock',
          'detail-type': 'airlock audit record',
          account: DEMO_ACCOUNT,
        });
      }
      const fixedOrFailed = records.filter((r) => r.outcome === 'APPLIED' || r.outcome === 'FAILED');
      expect(fixedOrFailed.length).toBeGreaterThan(0);
      expect(after.securityHubFindings.map((f) => f.Id).sort()).toEqual(
        fixedOrFailed.map((r) => `airlock/${r.id}`).sort(),
      );
      expect(target.sim.writes()['securityhub:BatchImportFindings']).toBe(2 * fixedOrFailed.length);
    } finally {
      await target.close(false);
    }
  }, 60_000);
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REMEDIATIONS } from '../../functions/registry.js';
import { tempDir } from '../../test/helpers/real-trail.js';
import { runDemo } from './run-demo.js';
import { DEMO_CASES, DEMO_LOOK_ALIKES, DEMO_SETTINGS, DEMO_VIOLATIONS, demoState } from './scenario.js';

describe('Function: the demo scenario', () => {
  it('has a case for every registered remediation, each with a violation and a look-alike', () => {
    // Assess
    expect(DEMO_CASES.map((c) => c.remediation)).toEqual(REMEDIATIONS.map((r) => r.id));
    for (const c of DEMO_CASES) {
      expect({ remediation: c.remediation, violations: c.violations.length > 0 }).toEqual({
        remediation: c.remediation,
        violations: true,
      });
      expect({ remediation: c.remediation, lookAlikes: c.lookAlikes.length > 0 }).toEqual({
        remediation: c.remediation,
        lookAlikes: true,
      });
    }
  });

  it("places every case's violations and look-alikes in the account, and deploys each case's settings", () => {
    // Act
    const state = demoState();
    const region = state.accounts['111122223333']!.regions['eu-west-2']!;

    // Assess: each look-alike selects something that exists
    for (const l of DEMO_LOOK_ALIKES) {
      expect({ what: l.what, found: l.select(region, state) !== undefined }).toEqual({
        what: l.what,
        found: true,
      });
    }
    for (const c of DEMO_CASES.filter((x) => x.settings)) {
      expect(DEMO_SETTINGS.remediations[c.remediation]).toEqual({ settings: c.settings });
    }
  });
});

describe('Function: runDemo', { timeout: 120_000 }, () => {
  it('fixes every violation, leaves every look-alike untouched, and writes a trail that verifies', async () => {
    // Prepare
    const dir = tempDir();
    let text = '';

    // Act
    const report = await runDemo(join(dir, 'demo'), { write: (t) => (text += t) });

    // Assess
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const byConfig = report.results.filter((r) => !r.origin.startsWith('cloudtrail'));
    for (const v of DEMO_VIOLATIONS) {
      expect(text).toContain(`${v.resourceId}: compliant`);
      expect(byConfig.some((r) => r.remediation === v.remediation && r.outcome === 'APPLIED')).toBe(true);
    }
    expect(text).toContain(
      `✔ ${DEMO_VIOLATIONS.length} violations fixed, one more caught on the API call itself, ${DEMO_LOOK_ALIKES.length} look-alikes untouched`,
    );
    for (const l of DEMO_LOOK_ALIKES)
      expect(text).toMatch(new RegExp(`✔ ${l.remediation} +${escapeRegExp(l.what)}`));
    const trail = readFileSync(report.trail, 'utf8').trim().split('\n');
    expect(trail).toHaveLength(report.results.length);
  });
});

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

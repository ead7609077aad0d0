import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEMO_REGION,
  DEMO_SETTINGS,
  DEMO_VIOLATIONS,
  demoState,
  demoViolationEvent,
} from '../../cli/demo/scenario.js';
import { replayEvents } from '../../cli/replay/replay.js';
import { simTarget } from '../../cli/replay/sim-target.js';
import { findRemediation } from '../../functions/registry.js';
import { mergeSettings } from '../../shared/settings.js';

/**
 * The demo's violations replayed in apply mode on the demo account (a state file in `dir`), records in
 * `dir/audit-trail.ndjson`; `env` as the functions' environment (`AIRLOCK_EVENT_BUS`). The simulated
 * account stays open: close it (saving or not).
 */
export async function replayDemo(dir: string, env: NodeJS.ProcessEnv = {}) {
  const state = join(dir, 'account.json');
  const trail = join(dir, 'audit-trail.ndjson');
  writeFileSync(state, JSON.stringify(demoState()));
  const target = await simTarget(state);
  const events = DEMO_VIOLATIONS.map((v) => ({
    origin: v.resourceId,
    event: demoViolationEvent(v, findRemediation(v.remediation)!),
  }));
  const results = await replayEvents(events, {
    mode: 'apply',
    clients: target.clients,
    settings: mergeSettings(mergeSettings(target.settings, DEMO_SETTINGS), { audit: { file: trail } }),
    concurrency: 2,
    env,
    homeRegion: DEMO_REGION,
  });
  return { target, state, trail, results };
}

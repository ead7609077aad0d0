import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DEMO_ACCOUNT,
  DEMO_FAST_PATH_GROUP,
  DEMO_REGION,
  DEMO_SETTINGS,
  demoState,
} from '../cli/demo/scenario.js';
import { sampleEvent } from '../cli/events/sample.js';
import { replayEvents } from '../cli/replay/replay.js';
import { simTarget } from '../cli/replay/sim-target.js';
import { cloudTrailEventFor } from '../cli/sim/index.js';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import { mergeSettings } from '../shared/settings.js';
import { type Spread, spread } from './stats.js';

/**
 * Delivery delays airlock does not control, stated as assumptions (not measured here):
 * - CloudTrail to EventBridge: management API calls arrive as "AWS API Call via CloudTrail" events on
 *   a best-effort basis, typically within about a minute of the call.
 * - AWS Config, change-triggered rules: the configuration item is recorded and the rule evaluated a few
 *   minutes after the change (taken as 5 minutes here).
 * - AWS Config, periodic rules (EKS_ENDPOINT_NO_PUBLIC_ACCESS): the next run of the rule, up to its
 *   frequency (24 hours by default).
 */
export const DELIVERY_ASSUMPTIONS_S = {
  cloudtrail: 60,
  configChange: 300,
  configPeriodic: 24 * 3600,
} as const;

export interface TriggerResult {
  /** From the violating call's end to verified compliance, airlock's own part, ms (median, min, max). */
  readonly cloudtrailMs: Spread;
  readonly configMs: Spread;
  readonly assumptionsS: typeof DELIVERY_ASSUMPTIONS_S;
  /** Assumed delivery + measured handling, seconds. */
  readonly totalS: {
    readonly cloudtrail: number;
    readonly configChange: number;
    readonly configPeriodic: number;
  };
}

/**
 * Time from a violating change (tcp 22 opened to the world through the simulated EC2 API) to verified
 * compliance, for both triggers: the CloudTrail event of that call, and Config's compliance change for
 * the group. 20–50 ms of latency per AWS call, no faults.
 */
export async function measureTriggers(runs: number): Promise<TriggerResult> {
  const fast: number[] = [];
  const config: number[] = [];
  for (let run = 0; run < runs; run++) {
    for (const trigger of ['cloudtrail', 'config'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'airlock-triggers-'));
      const state = demoState();
      state.faults = [{ kind: 'latency', rate: 1, latencyMs: [20, 50] }];
      writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
      const target = await simTarget(join(dir, 'state.json'));
      try {
        await target.clients.get(EC2Client, { region: DEMO_REGION, account: DEMO_ACCOUNT }).send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: DEMO_FAST_PATH_GROUP,
            IpPermissions: [
              { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
            ],
          }),
        );
        const t0 = performance.now();
        const change = target.sim.changes().at(-1)!;
        const event =
          trigger === 'cloudtrail'
            ? cloudTrailEventFor(change, {
                roleArn: `arn:aws:iam::${DEMO_ACCOUNT}:role/PlatformAdmin`,
                sessionName: 'alice',
                sourceIp: '198.51.100.24',
              })
            : sampleEvent(revokeOpenSsh, {
                resourceId: DEMO_FAST_PATH_GROUP,
                account: DEMO_ACCOUNT,
                region: DEMO_REGION,
                compliance: 'NON_COMPLIANT',
              });
        const [result] = await replayEvents([{ origin: trigger, event }], {
          mode: 'apply',
          clients: target.clients,
          settings: mergeSettings(target.settings, DEMO_SETTINGS),
          concurrency: 1,
          homeRegion: DEMO_REGION,
          asDeployed: true,
        });
        if (result?.outcome !== 'APPLIED')
          throw new Error(`${trigger} ended ${result?.outcome}: ${result?.reason}`);
        (trigger === 'cloudtrail' ? fast : config).push(performance.now() - t0);
      } finally {
        await target.close(false);
      }
    }
  }
  const cloudtrailMs = spread(fast);
  const configMs = spread(config);
  return {
    cloudtrailMs,
    configMs,
    assumptionsS: DELIVERY_ASSUMPTIONS_S,
    totalS: {
      cloudtrail: DELIVERY_ASSUMPTIONS_S.cloudtrail + cloudtrailMs.median / 1000,
      configChange: DELIVERY_ASSUMPTIONS_S.configChange + configMs.median / 1000,
      configPeriodic: DELIVERY_ASSUMPTIONS_S.configPeriodic + configMs.median / 1000,
    },
  };
}

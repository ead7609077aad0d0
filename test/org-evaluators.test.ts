import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { simTarget } from '../cli/replay/sim-target.js';
import {
  configRule,
  localRoute,
  placeResources,
  role,
  route,
  routeTable,
  simState,
} from '../cli/sim/index.js';
import { evaluateRouteTables } from '../functions/evaluate-route-tables/evaluate.js';
import { evaluateConfigRule } from '../shared/config-rule-evaluator.js';
import { parseSettings } from '../shared/settings.js';

const HOME = '111111111111';
const MEMBERS = ['222222222222', '333333333333'];
const REGIONS = ['eu-west-2', 'eu-central-1'];
const PRIVATE = 'rtb-0a0a0a0a0a0a0a0a1';
const CLEAN = 'rtb-0a0a0a0a0a0a0a0a2';
/** The organization rule as Config names it in each member account. */
const RULE = 'OrgConfigRule-airlock-private-route-tables-no-internet-route-a1b2c3d4';

const evaluatorArn = (region: string) =>
  `arn:aws:lambda:${region}:${HOME}:function:airlock-evaluate-route-tables`;

/**
 * Three accounts in two regions: in each member account and region a private route table with a
 * route to a NAT gateway, and a clean one; the member role and the organization rule in the members.
 */
function organization() {
  const state = simState({ seed: 9 });
  for (const account of [HOME, ...MEMBERS]) {
    for (const region of REGIONS) {
      placeResources(state, { account, region }, [
        routeTable({
          id: PRIVATE,
          routes: [localRoute('10.0.0.0/16'), route('0.0.0.0/0', { NatGatewayId: 'nat-0a0a0a0a0a0a0a0a1' })],
        }),
        routeTable({ id: CLEAN, routes: [localRoute('10.0.0.0/16')] }),
        ...(account !== HOME && region === REGIONS[0] ? [role('airlock-member')] : []),
        // the organization rule, in each member account, invokes the central evaluator
        ...(account !== HOME
          ? [configRule(RULE, { Owner: 'CUSTOM_LAMBDA', SourceIdentifier: evaluatorArn(region) })]
          : []),
      ]);
    }
  }
  return state;
}

/** What Config in a member account sends to the central evaluator for its organization rule. */
function scheduledInvocation(account: string, region: string) {
  return {
    version: '1.0',
    invokingEvent: JSON.stringify({
      messageType: 'ScheduledNotification',
      awsAccountId: account,
      notificationCreationTime: '2026-11-20T10:00:00.000Z',
    }),
    resultToken: RULE,
    eventLeftScope: false,
    configRuleArn: `arn:aws:config:${region}:${account}:config-rule/aws-service-rule/config-multiaccountsetup.amazonaws.com/config-rule-q1w2e3`,
    configRuleName: RULE,
    configRuleId: 'config-rule-q1w2e3',
    accountId: account,
  };
}

describe('Function: evaluate-route-tables across an organization (simulated accounts and regions)', () => {
  it("reports each member account's compliance in that account and region, through the member role", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'airlock-org-evaluators-'));
    writeFileSync(join(dir, 'org.json'), JSON.stringify(organization()));
    const target = await simTarget(join(dir, 'org.json'), undefined, { assumeRoleName: 'airlock-member' });
    const settings = parseSettings({ allowedAccounts: ['*'], homeAccount: HOME });
    const deps = {
      clients: target.clients,
      logger: new Logger({ logLevel: 'SILENT' }),
      settings: async () => settings,
    };

    // Act
    for (const account of MEMBERS) {
      for (const region of REGIONS) {
        await evaluateConfigRule(scheduledInvocation(account, region), evaluateRouteTables, deps);
      }
    }
    const after = await target.sim.snapshot();
    const calls = target.sim.calls();
    await target.close(false);

    // Assess
    for (const account of MEMBERS) {
      for (const region of REGIONS) {
        const evaluations = after.accounts[account]!.regions[region]!.config.evaluations;
        expect(evaluations.map((e) => [e.ConfigRuleName, e.ResourceId, e.ComplianceType]).sort()).toEqual([
          [RULE, PRIVATE, 'NON_COMPLIANT'],
          [RULE, CLEAN, 'COMPLIANT'],
        ]);
      }
    }
    // nothing reported in the home account, nothing changed anywhere
    for (const region of REGIONS)
      expect(after.accounts[HOME]!.regions[region]!.config.evaluations).toEqual([]);
    expect(calls['ec2:DeleteRoute']).toBeUndefined();
    expect(calls['sts:AssumeRole']).toBe(MEMBERS.length);
  }, 60_000);

  it('refuses a member region the function cannot reach before any call', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'airlock-org-evaluators-'));
    writeFileSync(join(dir, 'org.json'), JSON.stringify(organization()));
    const target = await simTarget(join(dir, 'org.json'), undefined, { assumeRoleName: 'airlock-member' });
    const settings = parseSettings({
      allowedAccounts: ['*'],
      homeAccount: HOME,
      reachableRegions: ['eu-west-2'],
    });
    const deps = {
      clients: target.clients,
      logger: new Logger({ logLevel: 'SILENT' }),
      settings: async () => settings,
    };

    // Act
    const run = evaluateConfigRule(
      scheduledInvocation(MEMBERS[0]!, 'eu-central-1'),
      evaluateRouteTables,
      deps,
    );

    // Assess
    await expect(run).rejects.toThrow(/region eu-central-1 cannot be reached from this function/);
    expect(target.sim.calls()).toEqual({});
    await target.close(false);
  }, 60_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../../functions/revoke-open-ssh/index.js';
import { mergeSettings } from '../../shared/settings.js';
import { sampleEvent } from '../events/sample.js';
import { SimulatedCloud } from '../sim/cloud.js';
import { role } from '../sim/kinds/roles.js';
import { securityGroup } from '../sim/kinds/security-groups.js';
import { placeResources, simState } from '../sim/scenario.js';
import { replayEvents } from './replay.js';
import { awsTarget, type Target } from './target.js';

const HOME = '111111111111';
const MEMBER = '222222222222';
const REGION = 'eu-west-2';
const GROUP = 'sg-0a0a0a0a0a0a0a0a1';

let sim: SimulatedCloud | undefined;
let target: Target | undefined;
afterEach(async () => {
  await target?.close(false);
  await sim?.close();
  sim = undefined;
  target = undefined;
});

/** Two accounts, each with a security group of the same id opening SSH to the world; the member has the member role. */
async function organization(): Promise<SimulatedCloud> {
  const state = simState({ seed: 5 });
  const group = securityGroup({
    id: GROUP,
    name: 'bastion',
    vpc: 'vpc-0123456789abcdef0',
    rules: [{ id: 'sgr-0a0a0a0a0a0a0a0b1', ports: 22, cidr: '0.0.0.0/0' }],
  });
  placeResources(state, { account: HOME, region: REGION }, [group]);
  placeResources(state, { account: MEMBER, region: REGION }, [group, role('airlock-member')]);
  sim = await SimulatedCloud.create(state, { dynamodb: false });
  return sim;
}

const openIn = (cloud: SimulatedCloud, account: string) =>
  cloud
    .state()
    .accounts[account]!.regions[REGION]!.securityGroups[0]!.Rules.filter((r) => r.CidrIpv4 === '0.0.0.0/0')
    .length;

/** Replays one event of `account` in apply mode the way `airlock replay` does against AWS. */
async function replayAgainstAws(
  cloud: SimulatedCloud,
  account: string,
  options: { assumeRoleName?: string; settings?: Record<string, unknown> } = {},
) {
  // the operator's credentials belong to the simulated account's first account (HOME): a client of
  // the simulated account that names no account acts there, as AWS acts in the credentials' account
  target = await awsTarget(
    { region: REGION, ...(options.assumeRoleName ? { assumeRoleName: options.assumeRoleName } : {}) },
    (extra) => cloud.clientFactory(extra),
  );
  const event = sampleEvent(revokeOpenSsh, {
    resourceId: GROUP,
    account,
    region: REGION,
    compliance: 'NON_COMPLIANT',
  });
  const [result] = await replayEvents([{ origin: 'event.json', event }], {
    mode: 'apply',
    clients: target.clients,
    settings: mergeSettings(target.settings, options.settings ?? {}),
    concurrency: 1,
    homeRegion: REGION,
  });
  return result!;
}

describe('Function: awsTarget (replay with the operator’s credentials)', () => {
  it("refuses a member account's event without a member role: nothing changes in either account", async () => {
    // Prepare
    const cloud = await organization();

    // Act
    const result = await replayAgainstAws(cloud, MEMBER);

    // Assess
    expect(target!.callerAccount).toBe(HOME);
    expect(result.outcome).toBe('REJECTED');
    expect(result.reason).toContain(MEMBER);
    expect(openIn(cloud, HOME)).toBe(1);
    expect(openIn(cloud, MEMBER)).toBe(1);
    expect(cloud.writes()).toEqual({});
  });

  it('fails safely when the allowlist is widened to *: no client for the other account, the reason names both accounts', async () => {
    // Prepare
    const cloud = await organization();

    // Act
    const result = await replayAgainstAws(cloud, MEMBER, { settings: { allowedAccounts: ['*'] } });

    // Assess
    expect(result.outcome).toBe('FAILED');
    expect(result.reason).toContain(`the credentials belong to account ${HOME}`);
    expect(result.reason).toContain(`in account ${MEMBER}`);
    expect(openIn(cloud, HOME)).toBe(1);
    expect(openIn(cloud, MEMBER)).toBe(1);
  });

  it('acts in the member account through the member role, and leaves the same-named group at home alone', async () => {
    // Prepare
    const cloud = await organization();

    // Act
    const result = await replayAgainstAws(cloud, MEMBER, { assumeRoleName: 'airlock-member' });

    // Assess
    expect(result.outcome, result.reason).toBe('APPLIED');
    expect(openIn(cloud, MEMBER)).toBe(0);
    expect(openIn(cloud, HOME)).toBe(1);
    expect(cloud.calls()['sts:AssumeRole']).toBe(1);
  });

  it("acts in the caller's own account with its own credentials", async () => {
    // Prepare
    const cloud = await organization();

    // Act
    const result = await replayAgainstAws(cloud, HOME);

    // Assess
    expect(result.outcome, result.reason).toBe('APPLIED');
    expect(openIn(cloud, HOME)).toBe(0);
    expect(openIn(cloud, MEMBER)).toBe(1);
    expect(cloud.calls()['sts:GetCallerIdentity']).toBe(1);
  });
});

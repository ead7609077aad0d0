// Attack: a role merely named like airlock's own roles makes a pod-CIDR route reachable across the
// Transit Gateway; its CloudTrail call used to end NOOP with zero reads (airlock's own principals were
// matched by role name). Performed on the simulated account, through the fast path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTransitGatewayRouteCommand, EC2Client } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { replayEvents } from '../../cli/replay/replay.js';
import { simTarget } from '../../cli/replay/sim-target.js';
import {
  cloudTrailEventFor,
  placeResources,
  role,
  simState,
  tgwAttachment,
  tgwRouteTable,
} from '../../cli/sim/index.js';
import { SettingsError } from '../../shared/errors.js';
import { parseSettings } from '../../shared/settings.js';

const HOME = '111122223333';
const MEMBER = '444455556666';
const REGION = 'eu-west-2';
const TABLE = 'tgw-rtb-0123456789abcdef0';
const ATTACHMENT = { id: 'tgw-attach-0123456789abcdef0', vpc: 'vpc-0123456789abcdef0' };
const CENTRAL = `arn:aws:iam::${HOME}:role/airlock-remove-pod-cidr-tgw-routes`;

async function accountWithTgw(account: string) {
  const state = placeResources(simState(), { account, region: REGION }, [
    role('airlock-member'),
    tgwAttachment(ATTACHMENT),
    tgwRouteTable({ id: TABLE, transitGateway: 'tgw-0123456789abcdef0', routes: [] }),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'airlock-own-'));
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  return simTarget(join(dir, 'state.json'));
}

/** The attacker's route into the pod CIDR, made through the simulator, as CloudTrail reports it. */
async function podRouteBy(
  target: Awaited<ReturnType<typeof accountWithTgw>>,
  account: string,
  roleArn: string,
) {
  await target.clients.get(EC2Client, { account, region: REGION }).send(
    new CreateTransitGatewayRouteCommand({
      TransitGatewayRouteTableId: TABLE,
      DestinationCidrBlock: '100.64.0.0/16',
      TransitGatewayAttachmentId: ATTACHMENT.id,
    }),
  );
  const change = target.sim.changes().at(-1)!;
  return cloudTrailEventFor(change, { roleArn, sessionName: 'mallory', sourceIp: '198.51.100.66' }, 1);
}

function runIn(target: Awaited<ReturnType<typeof accountWithTgw>>, account: string, event: unknown) {
  return replayEvents([{ origin: 'cloudtrail', event }], {
    mode: 'apply',
    clients: target.clients,
    settings: {
      mode: 'enforce',
      allowedAccounts: [account],
      ownPrincipals: [CENTRAL],
      memberRole: { name: 'airlock-member' },
      homeAccount: HOME,
      remediations: { 'remove-pod-cidr-tgw-routes': { settings: { podCidrs: ['100.64.0.0/16'] } } },
    },
    concurrency: 1,
    homeRegion: REGION,
  });
}

const podRoutes = async (target: Awaited<ReturnType<typeof accountWithTgw>>, account: string) =>
  (await target.sim.snapshot()).accounts[account]!.regions[
    REGION
  ]!.transitGatewayRouteTables[0]!.Routes.filter(
    (r) => r.DestinationCidrBlock === '100.64.0.0/16' && r.State !== 'blackhole',
  );

describe('Attack: a role named like airlock’s own makes a pod-CIDR route reachable', () => {
  it('refuses a role name in ownPrincipals at settings validation, naming the setting', () => {
    expect(() => parseSettings({ ownPrincipals: ['airlock-member'] })).toThrow(SettingsError);
    expect(() => parseSettings({ ownPrincipals: ['airlock-member'] })).toThrow(
      /ownPrincipals\.0: must be the full ARN of a role airlock deployed/,
    );
  });

  it('handles the call of a role named like the member role in the home account: the route is cut', async () => {
    // Prepare
    const target = await accountWithTgw(HOME);
    const event = await podRouteBy(target, HOME, `arn:aws:iam::${HOME}:role/airlock-member`);

    // Act
    const [result] = await runIn(target, HOME, event);
    const left = await podRoutes(target, HOME);
    await target.close(false);

    // Assess
    expect(result!.outcome).toBe('APPLIED');
    expect(left).toEqual([]);
  });

  it('handles the call of a role named like a central function in a member account: the route is cut', async () => {
    // Prepare
    const target = await accountWithTgw(MEMBER);
    const event = await podRouteBy(
      target,
      MEMBER,
      `arn:aws:iam::${MEMBER}:role/airlock-remove-pod-cidr-tgw-routes`,
    );

    // Act
    const [result] = await runIn(target, MEMBER, event);
    const left = await podRoutes(target, MEMBER);
    await target.close(false);

    // Assess
    expect(result!.outcome).toBe('APPLIED');
    expect(left).toEqual([]);
  });

  it('still ends NOOP, with no write, for the member role airlock deployed in the event’s account', async () => {
    // Prepare
    const target = await accountWithTgw(MEMBER);
    const event = await podRouteBy(target, MEMBER, `arn:aws:iam::${MEMBER}:role/airlock-member`);
    const writes = target.sim.changes().length;

    // Act
    const [result] = await runIn(target, MEMBER, event);
    const after = target.sim.changes().length;
    await target.close(false);

    // Assess
    expect(result!.outcome).toBe('NOOP');
    expect(result!.reason).toMatch(/^made by airlock itself/);
    expect(after).toBe(writes);
  });
});

import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { privatizeEksEndpoint } from '../../functions/privatize-eks-endpoint/index.js';
import { revokeOpenSsh } from '../../functions/revoke-open-ssh/index.js';
import type { AuditRecord, AuditStep, UnsignedAuditRecord } from '../../shared/audit-record.js';
import { newRecordId, sealRecord } from '../../shared/audit-record.js';
import { fileSink } from '../../shared/audit-sinks.js';
import { apiName } from '../../shared/remediation.js';
import { complianceEvent } from '../../test/helpers/events.js';
import { tempDir } from '../../test/helpers/real-trail.js';
import {
  HOME,
  MEMBER,
  REGION,
  remediateSigned,
  SIGNING_KEY,
  signedOrganization,
  silent,
  trustedPem,
  trustedVerifier,
} from '../../test/helpers/signed-trail.js';
import { bindToCallerAccount } from '../caller-account.js';
import type { SimulatedCloud } from '../sim/cloud.js';
import { eksCluster } from '../sim/kinds/eks-clusters.js';
import { role } from '../sim/kinds/roles.js';
import { securityGroup } from '../sim/kinds/security-groups.js';
import { planRollback } from './rollback-plan.js';
import { runRollback } from './rollback-run.js';
import { readTrailFile } from './trail-file.js';
import { verifyChain } from './verify-chain.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'airlock.mjs');
const TOUCHED = 'sg-0a0a0a0a0a0a0a0a1';
const VICTIM = 'sg-0b0b0b0b0b0b0b0b1';
const ALL_TRAFFIC = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];

let sim: SimulatedCloud | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function airlock(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1', AWS_REGION: REGION },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** An account with a group airlock fixes (SSH open to the world) and a group it never touches. */
async function groups(): Promise<SimulatedCloud> {
  const vpc = 'vpc-0123456789abcdef0';
  return signedOrganization([
    securityGroup({
      id: TOUCHED,
      name: 'bastion',
      vpc,
      rules: [{ id: 'sgr-0a0a0a0a0a0a0a0b1', ports: 22, cidr: '0.0.0.0/0' }],
    }),
    securityGroup({
      id: VICTIM,
      name: 'payments-db',
      vpc,
      rules: [{ id: 'sgr-0b0b0b0b0b0b0b0c1', ports: 5432, cidr: '10.0.0.0/8' }],
    }),
  ]);
}

const victimRules = (cloud: SimulatedCloud) =>
  cloud
    .state()
    .accounts[HOME]!.regions[REGION]!.securityGroups.find((g) => g.GroupId === VICTIM)!
    .Rules.map((r) => `${r.IpProtocol} ${r.CidrIpv4}`);

const sshEvent = () =>
  complianceEvent({
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: TOUCHED,
    rule: 'restricted-ssh',
    account: HOME,
    region: REGION,
  });

/**
 * What an insider with write access to the local trail does: a copy of a genuine record, changed,
 * sealed again with airlock's own `sealRecord` and appended through airlock's own file sink (which
 * computes the chain link), so that digest and chain verify.
 */
async function forge(
  trail: string,
  genuine: AuditRecord,
  change: (r: UnsignedAuditRecord) => UnsignedAuditRecord,
) {
  const { digest: _d, signature: _s, ...content } = genuine;
  const now = Date.now();
  const forged = sealRecord(
    change({
      ...content,
      id: newRecordId(now),
      startedAt: new Date(now).toISOString(),
      time: new Date(now + 900).toISOString(),
    }),
  );
  await fileSink(trail).write(forged);
  return forged;
}

/** The undo step airlock's own undo computes for a step, as a record stores it. */
function storedUndo(step: AuditStep): AuditStep['undo'] {
  return revokeOpenSsh
    .undo(step as never)
    .map((u) => ({ action: u.action, api: apiName(u.action, u.api), input: u.input, reason: u.reason }));
}

/** The forgery of the first attack: each step's stored undo opens all traffic from 0.0.0.0/0 on the victim. */
const openingTheVictim = (r: UnsignedAuditRecord): UnsignedAuditRecord => ({
  ...r,
  steps: r.steps.map((s) => ({
    ...s,
    undo: [
      {
        action: 'ec2:AuthorizeSecurityGroupIngress',
        api: 'AuthorizeSecurityGroupIngress',
        input: { GroupId: VICTIM, IpPermissions: ALL_TRAFFIC },
        reason: 'undo',
      },
    ],
  })),
});

describe('Attack: a forged record in the trail makes rollback send its own undo steps', () => {
  it('refuses a record whose stored undo opens all traffic on a group airlock never touched; nothing is sent, even forced', async () => {
    // Prepare
    sim = await groups();
    const trail = join(tempDir(), 'trail.ndjson');
    const genuine = await remediateSigned(sim, revokeOpenSsh, sshEvent(), trail);
    const forged = await forge(trail, genuine, openingTheVictim);
    const before = victimRules(sim);
    sim.resetCalls();

    // Act
    const chain = verifyChain(await readTrailFile(trail));
    const plan = await planRollback(forged, { clients: sim.clientFactory(), logger: silent });
    const refused = await runRollback(plan, { mode: 'apply', force: true, operator: 'mallory' });

    // Assess: digest and chain verify (the insider used airlock's own functions), the rollback refuses
    expect(genuine.outcome).toBe('APPLIED');
    expect(chain.problems).toEqual([]);
    expect(plan.untrusted).toContain(
      'step 1 (ec2:RevokeSecurityGroupIngress): the undo steps the record holds are not the ones revoke-open-ssh derives from the step',
    );
    expect(refused.outcome).toBe('FAILED');
    expect(refused.reason).toContain('--force does not override this');
    expect(refused.record.steps.map((s) => s.input)).not.toContainEqual(
      expect.objectContaining({ GroupId: VICTIM }),
    );
    expect(sim.writes()).toEqual({});
    expect(victimRules(sim)).toEqual(before);
  });

  it('refuses a record whose own step and undo (computed with airlock’s undo) aim at another group than its resource', async () => {
    // Prepare
    sim = await groups();
    const trail = join(tempDir(), 'trail.ndjson');
    const genuine = await remediateSigned(sim, revokeOpenSsh, sshEvent(), trail);
    const forged = await forge(trail, genuine, (r) => ({
      ...r,
      steps: r.steps.map((s) => {
        const step = { ...s, input: { GroupId: VICTIM, IpPermissions: ALL_TRAFFIC }, before: ALL_TRAFFIC[0] };
        return { ...step, undo: storedUndo(step) };
      }),
    }));
    sim.resetCalls();

    // Act
    const plan = await planRollback(forged, { clients: sim.clientFactory(), logger: silent });
    const result = await runRollback(plan, { mode: 'apply', force: true, operator: 'mallory' });

    // Assess
    expect(plan.untrusted.join('\n')).toContain(
      `the step acts on "${VICTIM}", not the record's resource ${TOUCHED}`,
    );
    expect(result.outcome).toBe('FAILED');
    expect(sim.writes()).toEqual({});
  });

  it('refuses a wholly consistent forgery naming the victim group: it is unsigned, or carries a genuine record’s signature that does not hold', async () => {
    // Prepare
    sim = await groups();
    const trail = join(tempDir(), 'trail.ndjson');
    const genuine = await remediateSigned(sim, revokeOpenSsh, sshEvent(), trail);
    const forged = await forge(trail, genuine, (r) => ({
      ...r,
      resource: { type: 'AWS::EC2::SecurityGroup', id: VICTIM },
      steps: r.steps.map((s) => {
        const step = { ...s, input: { GroupId: VICTIM, IpPermissions: ALL_TRAFFIC }, before: ALL_TRAFFIC[0] };
        return { ...step, undo: storedUndo(step) };
      }),
    }));
    const copied = { ...forged, signature: genuine.signature! };
    const verifier = await trustedVerifier(sim);
    sim.resetCalls();

    // Act
    const unsigned = await planRollback(
      forged,
      { clients: sim.clientFactory(), logger: silent },
      { signature: await verifier.verify(forged), requireSignature: true },
    );
    const misSigned = await planRollback(
      copied,
      { clients: sim.clientFactory(), logger: silent },
      { signature: await verifier.verify(copied), requireSignature: true },
    );
    const results = [
      await runRollback(unsigned, { mode: 'apply', force: true, operator: 'mallory' }),
      await runRollback(misSigned, { mode: 'apply', force: true, operator: 'mallory' }),
    ];

    // Assess
    expect(unsigned.untrusted[0]).toMatch(/^the record is unsigned: nothing proves airlock wrote it/);
    expect(misSigned.untrusted[0]).toMatch(
      /^the record's signature is not valid \(the signature does not verify/,
    );
    expect(results.map((r) => r.outcome)).toEqual(['FAILED', 'FAILED']);
    expect(sim.writes()).toEqual({});
  });

  it('the commands: verify flags the forged record, rollback refuses it (exit 1) and the group stays closed', async () => {
    // Prepare
    sim = await groups();
    const dir = tempDir();
    const trail = join(dir, 'trail.ndjson');
    const state = join(dir, 'account.json');
    const pem = join(dir, 'audit-key.pem');
    const genuine = await remediateSigned(sim, revokeOpenSsh, sshEvent(), trail);
    const forged = await forge(trail, genuine, openingTheVictim);
    writeFileSync(pem, await trustedPem(sim));
    await sim.save(state);
    const before = victimRules(sim);
    await sim.close();
    sim = undefined;

    // Act
    const verify = await airlock(
      'audit',
      'verify',
      '--file',
      trail,
      '--public-key',
      pem,
      '--require-signature',
    );
    const rollback = await airlock(
      'rollback',
      forged.id,
      '--file',
      trail,
      '--sim-state',
      state,
      '--signing-key',
      SIGNING_KEY,
      '--mode',
      'apply',
      '--force',
    );

    // Assess
    expect(verify.code, verify.stdout).toBe(1);
    expect(verify.stdout).toContain(`1 record(s) unsigned where a signature is required: ${forged.id}`);
    expect(rollback.code, rollback.stdout + rollback.stderr).toBe(1);
    expect(rollback.stdout).toContain('the record is unsigned: nothing proves airlock wrote it');
    expect(rollback.stdout).toContain('outcome: FAILED');
    const after = JSON.parse(readFileSync(state, 'utf8'));
    const victim = after.accounts[HOME].regions[REGION].securityGroups.find(
      (g: { GroupId: string }) => g.GroupId === VICTIM,
    );
    expect(
      victim.Rules.map((r: { IpProtocol: string; CidrIpv4: string }) => `${r.IpProtocol} ${r.CidrIpv4}`),
    ).toEqual(before);
  }, 240_000);
});

describe("Attack: rollback acts in the credentials' account, not the record's", () => {
  const vpc = 'vpc-0123456789abcdef0';
  const cluster = (publicAccess: boolean) =>
    eksCluster({
      name: 'payments',
      vpc,
      publicAccess,
      privateAccess: true,
      publicAccessCidrs: publicAccess ? ['0.0.0.0/0'] : [],
    });
  const publicIn = (cloud: SimulatedCloud, account: string) =>
    cloud.state().accounts[account]!.regions[REGION]!.eksClusters[0]!.resourcesVpcConfig
      ?.endpointPublicAccess;
  const memberEvent = () =>
    complianceEvent({
      resourceType: 'AWS::EKS::Cluster',
      resourceId: 'payments',
      rule: 'eks-endpoint-no-public-access',
      account: MEMBER,
      region: REGION,
    });

  /** A member account's EKS record, signed, and the plan of its rollback with the home account's credentials. */
  async function planMemberRollback(assumeRoleName?: string) {
    sim = await signedOrganization([cluster(false)], [cluster(true), role('airlock-member')]);
    const cloud = sim;
    const record = await remediateSigned(
      cloud,
      privatizeEksEndpoint,
      memberEvent(),
      join(tempDir(), 't.ndjson'),
    );
    const bound = await bindToCallerAccount((extra) => cloud.clientFactory(extra), {
      region: REGION,
      ...(assumeRoleName ? { assumeRoleName } : {}),
    });
    cloud.resetCalls();
    const plan = await planRollback(
      record,
      {
        clients: bound.clients,
        logger: silent,
        callerAccount: bound.callerAccount,
        assumesRoles: bound.assumesRoles,
      },
      { signature: await (await trustedVerifier(cloud)).verify(record), requireSignature: true },
    );
    return { cloud, record, bound, plan };
  }

  it("refuses a member account's record with the home account's credentials, naming both; the home cluster of the same name stays private", async () => {
    // Prepare + Act
    const { cloud, record, bound, plan } = await planMemberRollback();
    const result = await runRollback(plan, { mode: 'apply', force: true, operator: 'alice' });

    // Assess
    expect(record.outcome, record.reason).toBe('APPLIED');
    expect(bound.callerAccount).toBe(HOME);
    expect(plan.untrusted).toEqual([
      expect.stringMatching(
        new RegExp(`^the credentials belong to account ${HOME}, but the record is in account ${MEMBER}`),
      ),
    ]);
    expect(result.outcome).toBe('FAILED');
    expect(cloud.writes()).toEqual({});
    expect(publicIn(cloud, HOME)).toBe(false);
    expect(publicIn(cloud, MEMBER)).toBe(false);
  });

  it("rolls back in the record's own account through its member role (--assume-role-name), never touching home", async () => {
    // Prepare + Act
    const { cloud, bound, plan } = await planMemberRollback('airlock-member');
    const result = await runRollback(plan, { mode: 'apply', force: false, operator: 'alice' });

    // Assess (any call settles the simulated EKS update)
    await bound.clients.get(STSClient, { region: REGION }).send(new GetCallerIdentityCommand({}));
    expect(plan.refusals).toEqual([]);
    expect(result.outcome, result.reason).toBe('APPLIED');
    expect(cloud.calls()['sts:AssumeRole']).toBe(1);
    expect(publicIn(cloud, MEMBER)).toBe(true);
    expect(publicIn(cloud, HOME)).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KMSClient } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedCloud } from '../cli/sim/cloud.js';
import { kmsKey } from '../cli/sim/kinds/kms-keys.js';
import { securityGroup } from '../cli/sim/kinds/security-groups.js';
import { placeResources, simState } from '../cli/sim/scenario.js';
import { revokeOpenSsh } from '../functions/revoke-open-ssh/index.js';
import { complianceEvent } from '../test/helpers/events.js';
import { tempDir } from '../test/helpers/real-trail.js';
import type { AuditRecord } from './audit-record.js';
import { digestOf, newRecordId, sealRecord, verifyRecordDigest } from './audit-record.js';
import { kmsPublicKey, kmsSigner, kmsVerifier, localVerifier, signRecord } from './audit-signer.js';
import { type AuditSink, signedSinks, writeToSinks } from './audit-sinks.js';
import { createDeps } from './deps.js';
import { AuditWriteError } from './errors.js';
import { runPipeline } from './pipeline.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';
const GROUP = 'sg-0a0a0a0a0a0a0a0a1';
const ALIAS = 'alias/airlock-audit';

let sim: SimulatedCloud | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function cloud(): Promise<SimulatedCloud> {
  const state = simState({ seed: 11 });
  placeResources(state, { account: ACCOUNT, region: REGION }, [
    kmsKey({ id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', aliases: [ALIAS] }),
    kmsKey({ id: '1a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', aliases: ['alias/someone-else'] }),
    securityGroup({
      id: GROUP,
      name: 'bastion',
      vpc: 'vpc-0123456789abcdef0',
      rules: [{ id: 'sgr-0a0a0a0a0a0a0a0b1', ports: 22, cidr: '0.0.0.0/0' }],
    }),
  ]);
  sim = await SimulatedCloud.create(state, { dynamodb: false });
  return sim;
}

const kmsOf = (c: SimulatedCloud) => c.clientFactory().get(KMSClient, { account: ACCOUNT, region: REGION });

function record(overrides: Partial<AuditRecord> = {}): AuditRecord {
  return sealRecord({
    schema: 'airlock.audit/v1',
    id: newRecordId(Date.parse('2026-11-20T10:00:00Z')),
    time: '2026-11-20T10:00:01.000Z',
    startedAt: '2026-11-20T10:00:00.000Z',
    durationMs: 1000,
    actor: { type: 'function', name: 'airlock-revoke-open-ssh', version: '0.1.0' },
    trigger: 'config',
    event: {},
    remediation: 'revoke-open-ssh',
    account: ACCOUNT,
    region: REGION,
    resource: { type: 'AWS::EC2::SecurityGroup', id: GROUP },
    mode: 'enforce',
    outcome: 'APPLIED',
    reason: '1 step(s) applied',
    steps: [],
    notes: [],
    ...overrides,
  });
}

describe('Function: signRecord and the verifiers', () => {
  it('signs the digest with kms:Sign; the signature verifies locally with the GetPublicKey key and with kms:Verify', async () => {
    // Prepare
    const c = await cloud();
    const kms = kmsOf(c);
    const unsigned = record();

    // Act
    const signed = await signRecord(unsigned, kmsSigner(kms, ALIAS));
    const { key, keyId } = await kmsPublicKey(kms, ALIAS);

    // Assess
    expect(signed.signature).toMatchObject({ algorithm: 'ECDSA_SHA_256', keyId });
    expect(keyId).toMatch(/^arn:aws:kms:eu-west-2:111122223333:key\//);
    expect(digestOf(signed)).toBe(unsigned.digest.value);
    expect(verifyRecordDigest(signed)).toBe(true);
    await expect(localVerifier([key], 'the test key').verify(signed)).resolves.toEqual({
      status: 'valid',
      keyId,
    });
    await expect(kmsVerifier(kms, ALIAS).verify(signed)).resolves.toMatchObject({ status: 'valid' });
    await expect(localVerifier([key], 'the test key').verify(unsigned)).resolves.toEqual({
      status: 'unsigned',
    });
  });

  it('flags a forged record: altered and sealed again with a fresh digest, its old signature kept', async () => {
    // Prepare
    const c = await cloud();
    const kms = kmsOf(c);
    const signed = await signRecord(record(), kmsSigner(kms, ALIAS));
    const { key } = await kmsPublicKey(kms, ALIAS);
    const resealed = {
      ...sealRecord({ ...signed, resource: { type: 'AWS::EC2::SecurityGroup', id: 'sg-0bbbbbbbbbbbbbbb1' } }),
      signature: signed.signature,
    } as AuditRecord;

    // Act
    const local = await localVerifier([key], 'the test key').verify(resealed);
    const remote = await kmsVerifier(kms, ALIAS).verify(resealed);

    // Assess
    expect(verifyRecordDigest(resealed)).toBe(true);
    expect(local).toEqual({ status: 'invalid', reason: 'the signature does not verify with the test key' });
    expect(remote.status).toBe('invalid');
  });

  it('flags a record signed with another key, whatever key id the record names', async () => {
    // Prepare
    const c = await cloud();
    const kms = kmsOf(c);
    const { key, keyId } = await kmsPublicKey(kms, ALIAS);
    const byOther = await signRecord(record(), kmsSigner(kms, 'alias/someone-else'));
    const claimed = { ...byOther, signature: { ...byOther.signature!, keyId } };

    // Act
    const check = await localVerifier([key], 'the trusted key').verify(claimed);

    // Assess
    expect(check).toEqual({
      status: 'invalid',
      reason: 'the signature does not verify with the trusted key',
    });
  });

  it('never signs a record whose content does not match its digest', async () => {
    // Prepare
    const c = await cloud();
    const altered = { ...record(), reason: 'altered after sealing' };

    // Act
    const signing = signRecord(altered, kmsSigner(kmsOf(c), ALIAS));

    // Assess
    await expect(signing).rejects.toBeInstanceOf(AuditWriteError);
    expect(c.calls()['kms:Sign']).toBeUndefined();
  });
});

describe('Function: signedSinks', () => {
  it('signs each record once for every sink (one kms:Sign), and each sink gets the signed record', async () => {
    // Prepare
    const c = await cloud();
    const written: Record<string, AuditRecord[]> = { a: [], b: [] };
    const sink = (name: string): AuditSink => ({
      name,
      write: async (r) => {
        written[name]!.push(r);
      },
    });
    const sinks = signedSinks(kmsSigner(kmsOf(c), ALIAS), [sink('a'), sink('b')]);
    const r = record();

    // Act
    const failures = await writeToSinks(sinks, r);

    // Assess
    expect(failures).toEqual([]);
    expect(c.calls()['kms:Sign']).toBe(1);
    expect(written.a![0]!.signature).toBeDefined();
    expect(written.b![0]).toBe(written.a![0]);
  });

  it('fails every signed sink when the key cannot sign (KMS unreachable or denied): nothing unsigned is written', async () => {
    // Prepare
    const c = await cloud();
    const written: AuditRecord[] = [];
    c.setFaults([{ api: 'kms:Sign', kind: 'server-error', rate: 1 }]);
    const sinks = signedSinks(
      kmsSigner(c.clientFactory({ maxAttempts: 1 }).get(KMSClient, { region: REGION }), ALIAS),
      [{ name: 's3', write: async (r) => void written.push(r) }],
    );

    // Act
    const failures = await writeToSinks(sinks, record());

    // Assess
    expect(failures.map((f) => f.sink)).toEqual(['s3']);
    expect(written).toEqual([]);
  });
});

describe('Function: the pipeline with a signing key (AIRLOCK_SIGNING_KEY)', () => {
  it('writes the trail signed (one kms:Sign per record) and logs the same digest; KMS down fails the invocation so it is retried', async () => {
    // Prepare
    const c = await cloud();
    const trail = join(tempDir(), 'trail.ndjson');
    const deps = (clients = c.clientFactory()) =>
      createDeps('revoke-open-ssh', {
        env: { AIRLOCK_SIGNING_KEY: ALIAS, AWS_REGION: REGION },
        clients,
        settings: { mode: 'enforce', allowedAccounts: [ACCOUNT], audit: { file: trail } },
      });
    const event = (id: string) =>
      complianceEvent({
        id,
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: GROUP,
        rule: 'restricted-ssh',
        account: ACCOUNT,
        region: REGION,
      });

    // Act
    const applied = await runPipeline(event('evt-1'), revokeOpenSsh, deps());
    const signs = c.calls()['kms:Sign'];
    c.setFaults([{ api: 'kms:Sign', kind: 'server-error', rate: 1 }]);
    const failing = runPipeline(event('evt-2'), revokeOpenSsh, deps(c.clientFactory({ maxAttempts: 1 })));

    // Assess
    expect(applied.outcome).toBe('APPLIED');
    expect(signs).toBe(1);
    await expect(failing).rejects.toBeInstanceOf(AuditWriteError);
    const lines = readFileSync(trail, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    const written = JSON.parse(lines[0]!) as AuditRecord;
    const { key } = await kmsPublicKey(kmsOf(c), ALIAS);
    await expect(localVerifier([key], 'the key').verify(written)).resolves.toMatchObject({ status: 'valid' });
  });
});

import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import { KMSClient } from '@aws-sdk/client-kms';
import { SimulatedCloud } from '../../cli/sim/cloud.js';
import type { SimFragment } from '../../cli/sim/kind.js';
import { kmsKey, SAMPLE_SIGNING_KEY_ALIAS } from '../../cli/sim/kinds/kms-keys.js';
import { placeResources, simState } from '../../cli/sim/scenario.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { kmsPublicKey, localVerifier, type SignatureVerifier } from '../../shared/audit-signer.js';
import type { ClientFactory } from '../../shared/clients.js';
import { createDeps } from '../../shared/deps.js';
import { runPipeline } from '../../shared/pipeline.js';
import type { AnyRemediation } from '../../shared/remediation.js';

/** A simulated organisation whose home account holds the trail's signing key, and trails signed with it. */

export const HOME = '111122223333';
export const MEMBER = '444455556666';
export const REGION = 'eu-west-2';
export const SIGNING_KEY = SAMPLE_SIGNING_KEY_ALIAS;
export const silent = new Logger({ serviceName: 'test', logLevel: 'SILENT' });

/** The home account (first: the credentials' own in the simulated account) with the signing key, and a member. */
export async function signedOrganization(
  home: readonly SimFragment[],
  member: readonly SimFragment[] = [],
): Promise<SimulatedCloud> {
  const state = simState({ seed: 3, settings: { eksUpdateDelayMs: 0 } });
  placeResources(state, { account: HOME, region: REGION }, [
    kmsKey({ id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', aliases: [SIGNING_KEY] }),
    ...home,
  ]);
  placeResources(state, { account: MEMBER, region: REGION }, member);
  return SimulatedCloud.create(state, { dynamodb: false });
}

/**
 * Runs one event through the real pipeline in enforce mode on the simulated account, writing the
 * record signed to `trail` (as a function does with AIRLOCK_SIGNING_KEY). Returns the record as written.
 */
export async function remediateSigned(
  sim: SimulatedCloud,
  remediation: AnyRemediation,
  event: unknown,
  trail: string,
  clients: ClientFactory = sim.clientFactory(),
): Promise<AuditRecord> {
  const deps = createDeps(remediation.id, {
    env: { AWS_REGION: REGION, AIRLOCK_SIGNING_KEY: SIGNING_KEY },
    clients,
    settings: { mode: 'enforce', allowedAccounts: ['*'], audit: { file: trail } },
    logger: silent,
  });
  await runPipeline(event, remediation, deps);
  const lines = readFileSync(trail, 'utf8').trim().split('\n');
  const { chain: _chain, ...record } = JSON.parse(lines[lines.length - 1]!) as AuditRecord & {
    chain?: string;
  };
  return record as AuditRecord;
}

/** The verifier an auditor uses: the signing key's public key, read once from the simulated KMS. */
export async function trustedVerifier(sim: SimulatedCloud): Promise<SignatureVerifier> {
  const kms = sim.clientFactory().get(KMSClient, { region: REGION });
  const { key, keyId } = await kmsPublicKey(kms, SIGNING_KEY);
  return localVerifier([key], `the KMS key ${keyId}`);
}

/** The signing key's public key as PEM, as `aws kms get-public-key` gives it (converted), for `--public-key`. */
export async function trustedPem(sim: SimulatedCloud): Promise<string> {
  const kms = sim.clientFactory().get(KMSClient, { region: REGION });
  const { key } = await kmsPublicKey(kms, SIGNING_KEY);
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

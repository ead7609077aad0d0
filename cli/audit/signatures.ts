import { readFileSync } from 'node:fs';
import { KMSClient } from '@aws-sdk/client-kms';
import type { Command } from 'commander';
import type { AuditRecord } from '../../shared/audit-record.js';
import {
  type AuditSigner,
  type KmsPort,
  kmsPublicKey,
  kmsSigner,
  kmsVerifier,
  localVerifier,
  publicKeyFromPem,
  type SignatureCheck,
  type SignatureVerifier,
} from '../../shared/audit-signer.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError, SettingsError } from '../../shared/errors.js';
import { parseSettings } from '../../shared/settings.js';
import { CliError, ExitCode } from '../errors.js';

/** The flags that say how records' signatures are checked (and, for rollback, how its own record is signed). */
export interface SignatureFlags {
  /** The KMS signing key: its public key (kms:GetPublicKey, once) checks signatures; rollback signs with it. */
  readonly signingKey?: string;
  /** PEM files of trusted public keys (verified locally, no KMS call). */
  readonly publicKey?: readonly string[];
  /** Check each signature with kms:Verify instead of locally. */
  readonly kmsVerify?: boolean;
  /** true/false from --require-signature / --no-require-signature; undefined: the command's default. */
  readonly requireSignature?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Adds the signature flags to a command. */
export function signatureOptions(command: Command, requiredByDefault: string): Command {
  return command
    .option(
      '--signing-key <key>',
      "the KMS key that signs the trail (id, ARN or alias; default AIRLOCK_SIGNING_KEY): its public key checks each record's signature",
    )
    .option(
      '--public-key <pem>',
      'a PEM file of the public key that signs the trail (checked locally, no KMS call); repeatable',
      collect,
    )
    .option('--kms-verify', 'check each signature with kms:Verify instead of locally')
    .option('--require-signature', `every record must be validly signed (default: ${requiredByDefault})`)
    .option('--no-require-signature', 'an unsigned record is reported, not refused');
}

/** The signing key the flags (or AIRLOCK_SIGNING_KEY) name, validated like the setting. */
export function signingKeyOf(
  flags: SignatureFlags,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const key = flags.signingKey ?? env.AIRLOCK_SIGNING_KEY;
  if (!key) return undefined;
  try {
    return parseSettings({ signingKey: key }, '--signing-key').signingKey;
  } catch (error) {
    const message = error instanceof SettingsError ? error.message : String(error);
    throw new CliError(message, ExitCode.BAD_INPUT, { cause: error });
  }
}

/** The region of a KMS key: the ARN's, else the fallback (the bucket's region, AWS_REGION). */
export function keyRegion(key: string, fallback?: string): string {
  const region = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):/.exec(key)?.[1] ?? fallback;
  if (!region) {
    throw new CliError(
      `--signing-key ${key}: in which region? give the key's ARN, or set AWS_REGION`,
      ExitCode.BAD_INPUT,
    );
  }
  return region;
}

/** A KMS client for the signing key, with the credentials' own account. */
export function kmsClientFor(clients: ClientFactory, key: string, fallbackRegion?: string): KmsPort {
  return clients.get(KMSClient, { region: keyRegion(key, fallbackRegion) });
}

/** Trusted public keys from PEM files; an unreadable or wrong file is bad input, named. */
function pemVerifier(paths: readonly string[]): SignatureVerifier {
  const keys = paths.map((path) => {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new CliError(
        `--public-key ${path}: cannot read it (${describeError(error).message})`,
        ExitCode.BAD_INPUT,
      );
    }
    try {
      return publicKeyFromPem(text, `--public-key ${path}`);
    } catch (error) {
      throw new CliError(describeError(error).message, ExitCode.BAD_INPUT, { cause: error });
    }
  });
  return localVerifier(
    keys,
    paths.length === 1 ? `the public key ${paths[0]}` : `the public keys ${paths.join(', ')}`,
  );
}

/**
 * The verifier the flags ask for: PEM files (local), else the signing key's public key (one
 * kms:GetPublicKey, then local) or kms:Verify per record; undefined when no key is given. The key a
 * record names is never used to check it: only the key the reader trusts.
 */
export async function resolveVerifier(
  flags: SignatureFlags,
  kms: (key: string) => KmsPort,
): Promise<SignatureVerifier | undefined> {
  if (flags.publicKey?.length) return pemVerifier(flags.publicKey);
  const key = signingKeyOf(flags);
  if (!key) {
    if (flags.kmsVerify)
      throw new CliError('--kms-verify needs --signing-key (or AIRLOCK_SIGNING_KEY)', ExitCode.BAD_INPUT);
    return undefined;
  }
  if (flags.kmsVerify) return kmsVerifier(kms(key), key);
  try {
    const { key: publicKey, keyId } = await kmsPublicKey(kms(key), key);
    return localVerifier([publicKey], `the KMS key ${keyId}`);
  } catch (error) {
    if (error instanceof CliError) throw error;
    const e = describeError(error);
    throw new CliError(
      `cannot read the public key of ${key} (kms:GetPublicKey): ${e.name}: ${e.message}`,
      ExitCode.FAILED,
      {
        cause: error,
      },
    );
  }
}

/** The signer of records the CLI writes (rollback), when a signing key is given. */
export function resolveSigner(flags: SignatureFlags, kms: (key: string) => KmsPort): AuditSigner | undefined {
  const key = signingKeyOf(flags);
  return key ? kmsSigner(kms(key), key) : undefined;
}

/** Each record's signature, checked (a few at a time: kms:Verify is one call each). */
export async function checkSignatures(
  records: readonly AuditRecord[],
  verifier: SignatureVerifier,
): Promise<SignatureCheck[]> {
  const out: SignatureCheck[] = new Array(records.length);
  let next = 0;
  const worker = async () => {
    while (next < records.length) {
      const index = next++;
      out[index] = await verifier.verify(records[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, records.length) }, worker));
  return out;
}

/** How many records are validly signed, unsigned, or carry a signature that does not hold. */
export interface SignatureSummary {
  readonly checkedWith?: string;
  readonly valid: number;
  readonly unsigned: readonly string[];
  readonly invalid: readonly { readonly id: string; readonly reason: string }[];
  /** Records carrying a signature that nothing checked (no key given). */
  readonly unchecked: number;
}

/** The signature summary of records: checked with the verifier when there is one, else counted as they are. */
export async function summarizeSignatures(
  records: readonly AuditRecord[],
  verifier: SignatureVerifier | undefined,
): Promise<SignatureSummary> {
  return summaryOf(
    records,
    verifier ? await checkSignatures(records, verifier) : undefined,
    verifier?.source,
  );
}

/** The summary of checks already made (`checks[i]` is `records[i]`'s), or of unchecked records. */
export function summaryOf(
  records: readonly AuditRecord[],
  checks: readonly SignatureCheck[] | undefined,
  checkedWith: string | undefined,
): SignatureSummary {
  if (!checks) {
    return {
      valid: 0,
      unsigned: records.filter((r) => !r.signature).map((r) => r.id),
      invalid: [],
      unchecked: records.filter((r) => r.signature).length,
    };
  }
  const invalid: { id: string; reason: string }[] = [];
  const unsigned: string[] = [];
  checks.forEach((c, i) => {
    if (c.status === 'invalid') invalid.push({ id: records[i]!.id, reason: c.reason });
    if (c.status === 'unsigned') unsigned.push(records[i]!.id);
  });
  return {
    ...(checkedWith ? { checkedWith } : {}),
    valid: checks.filter((c) => c.status === 'valid').length,
    unsigned,
    invalid,
    unchecked: 0,
  };
}

const ids = (list: readonly string[]) =>
  `${list.slice(0, 5).join(', ')}${list.length > 5 ? ` and ${list.length - 5} more` : ''}`;

/**
 * What the signatures say, one line each, for the terminal: which records are signed, which are not,
 * which carry a signature that does not hold. `required`: unsigned records are problems, not notes.
 */
export function describeSignatures(summary: SignatureSummary, total: number, required: boolean): string[] {
  const lines: string[] = [];
  if (summary.checkedWith) {
    lines.push(
      `signatures: ${summary.valid} of ${total} record(s) validly signed (checked with ${summary.checkedWith})`,
    );
  } else if (summary.unchecked) {
    lines.push(
      `signatures: ${summary.unchecked} of ${total} record(s) carry one, not checked (pass --signing-key or --public-key)`,
    );
  } else if (total) {
    lines.push(
      'signatures: none: this trail is unsigned; its digests and chain show a change made by someone who did not recompute them, nothing proves who wrote it',
    );
  }
  for (const x of summary.invalid) lines.push(`record ${x.id}: INVALID signature: ${x.reason}`);
  if (summary.unsigned.length && (summary.checkedWith || summary.unchecked)) {
    lines.push(
      `${required ? '' : 'note: '}${summary.unsigned.length} record(s) unsigned${required ? ' where a signature is required' : ''}: ${ids(summary.unsigned)}`,
    );
  }
  return lines;
}

/** True when the summary holds a problem: an invalid signature, or an unsigned record where one is required. */
export function signatureProblems(summary: SignatureSummary, required: boolean): number {
  return summary.invalid.length + (required ? summary.unsigned.length : 0);
}

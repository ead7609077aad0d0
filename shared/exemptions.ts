import * as z from 'zod/mini';
import { ACCOUNT_ID, REGION } from './resource-id.js';
import './zod.js';

/**
 * The exemption register: a JSON array that the security team controls (Parameter Store, not
 * resource tags, which the owner of a drifted resource can usually write too).
 *
 * @example
 * ```json
 * [{ "id": "EX-104", "resourceId": "sg-0123456789abcdef0", "account": "111122223333",
 *    "region": "eu-west-2", "remediation": "revoke-open-ssh",
 *    "reason": "bastion migration, CHG-8812", "approvedBy": "secops-lead@example.com",
 *    "approvedAt": "2026-11-01T00:00:00Z", "expires": "2026-12-01T00:00:00Z" }]
 * ```
 *
 * An entry names the account and the region of its resource: a resource id alone (an EKS cluster's or a
 * bucket's name) can be taken by anyone in another account or region. `*` covers every account or every
 * region only when written.
 */
const str = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
export const ExemptionSchema = z.strictObject({
  id: str(1, 128),
  resourceId: str(1, 768),
  /** A remediation id, or `*` for all of them. */
  remediation: z._default(str(1, 64), '*'),
  /** An account id, or `*` (written explicitly) for the resource id in any account. */
  account: z
    .string()
    .check(z.refine((v) => v === '*' || ACCOUNT_ID.test(v), 'must be an account id (12 digits) or *')),
  /** A region, or `*` (written explicitly) for the resource id in any region. */
  region: z.string().check(z.refine((v) => v === '*' || REGION.test(v), 'must be a region name or *')),
  reason: str(3, 1024),
  approvedBy: str(3, 256),
  approvedAt: z.optional(z.iso.datetime({ offset: true })),
  expires: z.iso.datetime({ offset: true }),
});
export type Exemption = z.infer<typeof ExemptionSchema>;

/** Reads the register's raw JSON; throws when it cannot be read. */
export interface ExemptionSource {
  load(): Promise<unknown>;
}

export interface ExemptionMatch {
  readonly exemption?: Exemption;
  /** Entries that matched the resource but were ignored, with why (for the audit record). */
  readonly notes: readonly string[];
}

const DAY_MS = 24 * 3600 * 1000;

/** What an exemption is looked up for: the resource of an event, in its account and region. */
export interface ExemptionTarget {
  readonly resourceId: string;
  readonly remediation: string;
  readonly account: string;
  readonly region: string;
}

/**
 * Finds the valid exemption for a resource in its account and region. Pure. Expired, malformed
 * (no account or region among them) and too-long entries are ignored and said so in `notes`; there
 * is no permanent exemption. The length is measured from the approval and from now, whichever is
 * earlier: an approval dated in the future does not make room for a longer exemption.
 *
 * @example
 * ```ts
 * findExemption(register, { resourceId: 'sg-0123456789abcdef0', remediation: 'revoke-open-ssh', account: '111122223333', region: 'eu-west-2' }, Date.now(), 90);
 * ```
 */
export function findExemption(
  register: unknown,
  target: ExemptionTarget,
  now: number,
  maxDays: number,
): ExemptionMatch {
  const notes: string[] = [];
  if (register === undefined || register === null) return { notes };
  if (!Array.isArray(register)) {
    return { notes: ['exemption register is not a JSON array: ignored'] };
  }
  let found: Exemption | undefined;
  register.forEach((entry, index) => {
    const raw = entry as Record<string, unknown> | null;
    const mentionsResource = raw && typeof raw === 'object' && raw.resourceId === target.resourceId;
    if (!mentionsResource) return;
    const parsed = ExemptionSchema.safeParse(entry);
    const label = typeof raw.id === 'string' ? JSON.stringify(raw.id.slice(0, 128)) : `#${index}`;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      notes.push(
        `exemption ${label} is malformed (${issue?.path.join('.') || 'entry'}: ${issue?.message}): ignored`,
      );
      return;
    }
    const e = parsed.data;
    if (e.remediation !== '*' && e.remediation !== target.remediation) return;
    if (e.account !== '*' && e.account !== target.account) return;
    if (e.region !== '*' && e.region !== target.region) return;
    const expires = Date.parse(e.expires);
    if (expires <= now) {
      notes.push(`exemption ${label} expired on ${e.expires}: ignored`);
      return;
    }
    // an approval dated in the future does not shorten the exemption: it runs from now at the latest
    const from = e.approvedAt ? Math.min(Date.parse(e.approvedAt), now) : now;
    if (expires - from > maxDays * DAY_MS) {
      notes.push(`exemption ${label} runs longer than the ${maxDays}-day maximum: ignored`);
      return;
    }
    found ??= e;
  });
  return found ? { exemption: found, notes } : { notes };
}

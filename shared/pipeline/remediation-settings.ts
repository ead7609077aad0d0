import type { AnyRemediation } from '../remediation.js';
import type { Settings } from '../settings.js';

/**
 * The remediation's own settings, validated by its schema (defaults applied).
 *
 * @example
 * ```ts
 * remediationSettings(revokeOpenSsh, settings); // { portRangePolicy: 'revoke-whole-rule', ... }
 * ```
 */
export function remediationSettings(remediation: AnyRemediation, settings: Settings): unknown {
  return remediation.settingsSchema.parse(settings.remediations[remediation.id]?.settings ?? {});
}

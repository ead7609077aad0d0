import type { AnyRemediation } from '../remediation.js';
import type { Settings } from '../settings.js';
import { modeFor } from '../settings.js';
import type { PipelineDeps, RunMode } from './pipeline-deps.js';
import { failWith, NOTHING_FOUND, type Verdict } from './verdict.js';

/**
 * The current settings; settings that cannot be read or are invalid end FAILED (nothing may act;
 * the invocation is retried).
 *
 * @example
 * ```ts
 * const settings = await loadSettings(deps);
 * if (isVerdict(settings)) settings.reason; // 'settings could not be loaded: SettingsError: …'
 * ```
 */
export async function loadSettings(deps: Pick<PipelineDeps, 'settings'>): Promise<Settings | Verdict> {
  try {
    return await deps.settings();
  } catch (error) {
    return failWith(NOTHING_FOUND, 'settings could not be loaded', error);
  }
}

/**
 * The mode an event is handled in: the harness' override, else the remediation's (or the global)
 * mode from the settings.
 *
 * @example
 * ```ts
 * modeOf(undefined, settings, revokeOpenSsh); // 'dry-run' when the kill switch is on
 * ```
 */
export function modeOf(
  override: PipelineDeps['modeOverride'],
  settings: Settings,
  remediation: AnyRemediation,
): RunMode {
  return override ?? modeFor(settings, remediation.id);
}

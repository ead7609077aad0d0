import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { ClientFactory, ClientScope } from './clients.js';
import { SettingsError } from './errors.js';
import { mergeSettings, parseSettings, type Settings } from './settings.js';

/**
 * The current settings: the environment's (`raw`, already valid as `base`), overridden by the JSON
 * document in Parameter Store that `base.parameter` names, cached `parameterMaxAgeSeconds`.
 *
 * @example
 * ```ts
 * const settings = settingsLoader(raw, parseSettings(raw), parameterStore(clients, { region: 'eu-west-2' }));
 * (await settings()).mode; // 'dry-run' after an operator flipped the kill switch
 * ```
 */
export function settingsLoader(
  raw: Record<string, unknown>,
  base: Settings,
  provider: () => SSMProvider | Promise<SSMProvider>,
): () => Promise<Settings> {
  return async () => {
    if (!base.parameter) return base;
    const override = await (await provider()).get(base.parameter, {
      maxAge: base.parameterMaxAgeSeconds,
      transform: 'json',
    });
    if (override === undefined) return base;
    if (typeof override !== 'object' || override === null || Array.isArray(override)) {
      throw new SettingsError(`parameter ${base.parameter} must hold a JSON object`);
    }
    return parseSettings(
      mergeSettings(raw, override as Record<string, unknown>),
      `parameter ${base.parameter}`,
    );
  };
}

/**
 * Parameter Store through Powertools (the settings override, the exemption register), built at the
 * first read: its module is imported then (a chunk of its own in the function bundles, never loaded
 * by a deployment without a parameter), with the SSM client of `home`.
 *
 * @example
 * ```ts
 * const settings = settingsLoader(raw, base, parameterStore(clients, { region: 'eu-west-2' }));
 * ```
 */
export function parameterStore(clients: ClientFactory, home: ClientScope): () => Promise<SSMProvider> {
  let provider: Promise<SSMProvider> | undefined;
  return () => {
    provider ??= import('./ssm-client.js').then(
      ({ SSMProvider, SSMClient }) => new SSMProvider({ awsSdkV3Client: clients.get(SSMClient, home) }),
    );
    return provider;
  };
}

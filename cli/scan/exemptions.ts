import { readFileSync } from 'node:fs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError } from '../../shared/errors.js';
import type { Settings } from '../../shared/settings.js';
import { CliError } from '../errors.js';

/** The exemption register a scan looks resources up in, and what the reader must know about it. */
export interface LoadedRegister {
  readonly register?: unknown;
  readonly note: string;
}

/** A register from a file (`--exemptions FILE`): a JSON array, else bad input (exit 2). */
export function registerFromFile(path: string): LoadedRegister {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : `not a JSON file (${(error as Error).message})`;
    throw new CliError(`--exemptions ${path}: ${why}`);
  }
  if (!Array.isArray(value)) throw new CliError(`--exemptions ${path}: must hold a JSON array of exemptions`);
  return { register: value, note: `exemption register: ${path} (${value.length} entr(ies))` };
}

/**
 * The register the settings name (`exemptions.parameter`), read once. An unreadable register is
 * noted, with what the functions would do about it (`exemptions.onUnreadable`), and scanned without.
 */
export async function registerFromSettings(
  settings: Settings,
  clients: ClientFactory,
  region: string,
): Promise<LoadedRegister> {
  const name = settings.exemptions.parameter;
  if (!name)
    return {
      note: 'no exemption register: the settings name none (exemptions.parameter), none given (--exemptions)',
    };
  try {
    const out = await clients.get(SSMClient, { region }).send(new GetParameterCommand({ Name: name }));
    const register: unknown = JSON.parse(out.Parameter?.Value ?? '');
    return { register, note: `exemption register: parameter ${name}` };
  } catch (error) {
    const d = describeError(error);
    const then =
      settings.exemptions.onUnreadable === 'act'
        ? 'the functions would act (fail closed)'
        : 'the functions would stop (FAILED, retried)';
    return {
      note: `exemption register parameter ${name} could not be read (${d.name}: ${d.message}): scanned without it; ${then}`,
    };
  }
}

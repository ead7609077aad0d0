import { readFileSync } from 'node:fs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { findRemediation, REMEDIATIONS } from '../../functions/registry.js';
import type { ClientFactory } from '../../shared/clients.js';
import { describeError, errorCode } from '../../shared/errors.js';
import { ENV, mergeSettings, parseSettings, settingsFromEnv } from '../../shared/settings.js';
import { firstIssue } from '../../shared/zod.js';
import { CliError, ExitCode } from '../errors.js';

/**
 * One layer of settings and where it came from (`environment`, `--settings ops.json`, `parameter
 * /airlock/settings`), so that a bad value is reported with its source and key.
 */
export interface SettingsSource {
  readonly name: string;
  readonly value: Record<string, unknown>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The environment variable that sets a settings key (`blastRadius.maxWrites` -> AIRLOCK_BLAST_RADIUS_MAX_WRITES). */
function envVariableOf(path: string): string | undefined {
  let best: { variable: string; key: string } | undefined;
  for (const [variable, description] of Object.entries(ENV)) {
    const key = description.split(' ')[0] ?? '';
    const matches = path === key || path.startsWith(`${key}.`);
    if (matches && (!best || key.length > best.key.length)) best = { variable, key };
  }
  return best?.variable;
}

/** Why a remediation's own settings in `remediations` are wrong, as `key: message`, or undefined. */
function remediationProblem(remediations: unknown): string | undefined {
  if (!isObject(remediations)) return undefined;
  for (const [id, override] of Object.entries(remediations)) {
    const remediation = findRemediation(id);
    if (!remediation) {
      return `remediations.${id}: not a remediation of airlock (${REMEDIATIONS.map((r) => r.id).join(', ')})`;
    }
    const own = isObject(override) ? override.settings : undefined;
    try {
      remediation.settingsSchema.parse(own ?? {});
    } catch (error) {
      const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
      const problem = issues ? firstIssue({ issues }) : describeError(error).message;
      return `remediations.${id}.settings.${problem}`;
    }
  }
  return undefined;
}

/**
 * Validates one layer alone (every key airlock has, and each remediation's own settings), so that
 * the error names the layer and the key. Throws a {@link CliError} (exit 2).
 *
 * @example
 * ```ts
 * checkSettingsSource({ name: '--settings ops.json', value: { mode: 'on' } });
 * // CliError: --settings ops.json: mode: Invalid option: expected one of "enforce"|"dry-run"
 * ```
 */
export function checkSettingsSource(source: SettingsSource): void {
  let problem: string | undefined;
  try {
    parseSettings(source.value, source.name);
  } catch (error) {
    problem = (error as Error).message;
  }
  const own = problem ? undefined : remediationProblem(source.value.remediations);
  if (own) problem = `${source.name}: ${own}`;
  if (!problem) return;
  if (source.name === 'environment') {
    const key = problem.slice('environment: '.length).split(':')[0] ?? '';
    const variable = envVariableOf(key);
    if (variable) problem = `environment ${variable}: ${problem.slice('environment: '.length)}`;
  }
  throw new CliError(problem, ExitCode.BAD_INPUT);
}

/** The AIRLOCK_* environment variables as a settings layer (checked). */
export function environmentSettings(env: NodeJS.ProcessEnv = process.env): SettingsSource {
  let value: Record<string, unknown>;
  try {
    value = settingsFromEnv(env);
  } catch (error) {
    throw new CliError(`environment: ${(error as Error).message}`, ExitCode.BAD_INPUT, { cause: error });
  }
  const source = { name: 'environment', value };
  checkSettingsSource(source);
  return source;
}

/** A settings file (`--settings FILE`, the Parameter Store document's shape) as a layer (checked). */
export function fileSettings(path: string): SettingsSource {
  const name = `--settings ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`${name}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code})`}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${name}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new CliError(`${name}: must hold a JSON object`);
  const source = { name, value };
  checkSettingsSource(source);
  return source;
}

/**
 * The Parameter Store document the settings name (`parameter`), read once, as a layer (checked).
 * A missing parameter or a value that is not a JSON object is bad input (exit 2); a read that fails
 * otherwise (access denied, network) is a failure (exit 1).
 */
export async function parameterSettings(
  name: string,
  clients: ClientFactory,
  region: string,
): Promise<SettingsSource> {
  const label = `parameter ${name}`;
  let text: string | undefined;
  try {
    const out = await clients.get(SSMClient, { region }).send(new GetParameterCommand({ Name: name }));
    text = out.Parameter?.Value;
  } catch (error) {
    if (errorCode(error) === 'ParameterNotFound')
      throw new CliError(`${label}: no such parameter in ${region}`);
    const d = describeError(error);
    throw new CliError(`${label}: cannot be read (${d.name}: ${d.message})`, ExitCode.FAILED, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text ?? '');
  } catch {
    throw new CliError(`${label}: not valid JSON`);
  }
  if (!isObject(value)) throw new CliError(`${label}: must hold a JSON object`);
  const source = { name: label, value };
  checkSettingsSource(source);
  return source;
}

/**
 * The layers merged in order (later ones win) and validated together; `parameter` is dropped: a
 * run uses the settings as resolved at its start. Throws a {@link CliError} (exit 2).
 *
 * @example
 * ```ts
 * layerSettings([environmentSettings(), fileSettings('ops.json')]).mode; // 'dry-run'
 * ```
 */
export function layerSettings(sources: readonly SettingsSource[]): Record<string, unknown> {
  let raw: Record<string, unknown> = {};
  for (const s of sources) raw = mergeSettings(raw, s.value);
  const { parameter: _read, ...rest } = raw;
  try {
    parseSettings(rest, sources.map((s) => s.name).join(' + ') || 'settings');
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.BAD_INPUT);
  }
  return rest;
}

/**
 * The local layers (environment, then `--settings FILE`), then the Parameter Store document they
 * name, if any, read once with `read`.
 */
export async function withParameter(
  local: readonly SettingsSource[],
  read: (name: string) => Promise<SettingsSource>,
): Promise<SettingsSource[]> {
  let named: unknown;
  for (const s of local) if (typeof s.value.parameter === 'string') named = s.value.parameter;
  return typeof named === 'string' ? [...local, await read(named)] : [...local];
}

/** The environment's layer and, when given, the settings file's: checked before anything starts. */
export function localSettings(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): SettingsSource[] {
  return [environmentSettings(env), ...(file ? [fileSettings(file)] : [])];
}

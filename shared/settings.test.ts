import type { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { describe, expect, it } from 'vitest';
import { SettingsError } from './errors.js';
import { allowed, mergeSettings, modeFor, parseSettings, settingsFromEnv } from './settings.js';
import { settingsLoader } from './settings-loader.js';

/** A Parameter Store stand-in: the document it holds, and the reads it was asked for. */
function parameterStore(document: unknown) {
  const reads: { name: string; options: unknown }[] = [];
  const provider = {
    get: async (name: string, options: unknown) => {
      reads.push({ name, options });
      if (document instanceof Error) throw document;
      return document;
    },
  } as unknown as SSMProvider;
  return { provider: () => provider, reads };
}

describe('Function: settingsFromEnv', () => {
  it('maps each variable to its setting, lists split on commas and trimmed', () => {
    // Prepare
    const env = {
      AIRLOCK_MODE: 'enforce',
      AIRLOCK_ALLOWED_ACCOUNTS: ' 111122223333, 444455556666 ,',
      AIRLOCK_ALLOWED_REGIONS: 'eu-west-2,eu-west-1',
      AIRLOCK_TABLE: 'airlock',
      AIRLOCK_AUDIT_BUCKET: 'airlock-audit',
      AIRLOCK_AUDIT_PREFIX: 'trail/',
      AIRLOCK_SETTINGS_PARAMETER: '/airlock/settings',
      AIRLOCK_EXEMPTIONS_PARAMETER: '/airlock/exemptions',
      AIRLOCK_EXEMPTIONS_ON_UNREADABLE: 'stop',
      AIRLOCK_BLAST_RADIUS_MAX_WRITES: '5',
      AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS: '60',
      AIRLOCK_REMEDIATIONS: '{"revoke-open-ssh":{"mode":"dry-run"}}',
      AIRLOCK_OWN_PRINCIPALS: 'arn:aws:iam::111122223333:role/airlock-revoke-open-ssh',
    };

    // Act
    const raw = settingsFromEnv(env);

    // Assess
    expect(raw).toEqual({
      mode: 'enforce',
      allowedAccounts: ['111122223333', '444455556666'],
      allowedRegions: ['eu-west-2', 'eu-west-1'],
      table: 'airlock',
      parameter: '/airlock/settings',
      ownPrincipals: ['arn:aws:iam::111122223333:role/airlock-revoke-open-ssh'],
      remediations: { 'revoke-open-ssh': { mode: 'dry-run' } },
      audit: { bucket: 'airlock-audit', prefix: 'trail/' },
      exemptions: { parameter: '/airlock/exemptions', onUnreadable: 'stop' },
      blastRadius: { maxWrites: 5, windowSeconds: 60 },
    });
  });

  it('gives nothing for an empty environment (the schema holds the defaults)', () => {
    expect(settingsFromEnv({})).toEqual({});
  });

  it.each([
    [
      'AIRLOCK_BLAST_RADIUS_MAX_WRITES',
      'twenty',
      'AIRLOCK_BLAST_RADIUS_MAX_WRITES must be a number, got "twenty"',
    ],
    [
      'AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS',
      '5m',
      'AIRLOCK_BLAST_RADIUS_WINDOW_SECONDS must be a number, got "5m"',
    ],
    ['AIRLOCK_REMEDIATIONS', '{revoke-open-ssh}', 'AIRLOCK_REMEDIATIONS is not valid JSON'],
  ])('rejects %s=%s naming the variable', (name, value, message) => {
    // Act
    const read = () => settingsFromEnv({ [name]: value });

    // Assess
    expect(read).toThrow(SettingsError);
    expect(read).toThrow(message);
  });
});

describe('Function: parseSettings', () => {
  it('applies the defaults: dry-run, no account, every region, 20 writes in 5 minutes, a week of idempotency', () => {
    // Act
    const settings = parseSettings({});

    // Assess
    expect(settings).toEqual({
      mode: 'dry-run',
      allowedAccounts: [],
      allowedRegions: ['*'],
      remediations: {},
      exemptions: { onUnreadable: 'act', maxDays: 90 },
      blastRadius: { maxWrites: 20, windowSeconds: 300 },
      idempotencyTtlSeconds: 604800,
      audit: { prefix: 'audit/' },
      ownPrincipals: [],
      parameterMaxAgeSeconds: 60,
    });
  });

  it('fills the defaults of a group that is only partly set', () => {
    const settings = parseSettings({ exemptions: { parameter: '/x' }, blastRadius: { maxWrites: 3 } });
    expect(settings.exemptions).toEqual({ parameter: '/x', onUnreadable: 'act', maxDays: 90 });
    expect(settings.blastRadius).toEqual({ maxWrites: 3, windowSeconds: 300 });
  });

  it.each([
    [{ mode: 'on' }, 'environment: mode: Invalid option'],
    [{ allowedAccounts: ['12345'] }, 'environment: allowedAccounts.0: must be a 12-digit account id or *'],
    [{ allowedRegions: ['eu-west-2; rm'] }, 'environment: allowedRegions.0: must be a region name or *'],
    [{ blastRadius: { maxWrites: 0 } }, 'environment: blastRadius.maxWrites: Too small'],
    [{ blastRadius: { maxWrites: 2.5 } }, 'environment: blastRadius.maxWrites:'],
    [{ exemptions: { maxDays: 400 } }, 'environment: exemptions.maxDays: Too big'],
    [{ exemptions: { onUnreadable: 'ignore' } }, 'environment: exemptions.onUnreadable:'],
    [
      { remediations: { 'revoke-open-ssh': { mode: 'yes' } } },
      'environment: remediations.revoke-open-ssh.mode:',
    ],
    [
      { remediations: { 'revoke-open-ssh': { bogus: 1 } } },
      'environment: remediations.revoke-open-ssh: Unrecognized key: "bogus"',
    ],
    [{ memberRole: { name: 'a role' } }, 'environment: memberRole.name: must be an IAM role name'],
    [
      { ownPrincipals: ['arn:aws:iam::1:role/x'] },
      'environment: ownPrincipals.0: must be the full ARN of a role airlock deployed',
    ],
    [{ tabel: 'airlock' }, 'environment: (root): Unrecognized key: "tabel"'],
    ['mode=enforce', 'environment: (root): Invalid input'],
  ])('rejects %j naming the setting', (raw, message) => {
    // Act
    const parse = () => parseSettings(raw, 'environment');

    // Assess
    expect(parse).toThrow(SettingsError);
    expect(parse).toThrow(message);
  });
});

describe('Function: mergeSettings', () => {
  it('merges objects deeply, replaces arrays and scalars, and leaves both inputs as they were', () => {
    // Prepare
    const base = {
      mode: 'dry-run',
      allowedAccounts: ['111122223333'],
      blastRadius: { maxWrites: 20, windowSeconds: 300 },
    };
    const override = { mode: 'enforce', allowedAccounts: ['444455556666'], blastRadius: { maxWrites: 5 } };
    const copies = structuredClone({ base, override });

    // Act
    const merged = mergeSettings(base, override);

    // Assess
    expect(merged).toEqual({
      mode: 'enforce',
      allowedAccounts: ['444455556666'],
      blastRadius: { maxWrites: 5, windowSeconds: 300 },
    });
    expect({ base, override }).toEqual(copies);
  });

  it('replaces an object with a scalar and a scalar with an object', () => {
    expect(mergeSettings({ a: { b: 1 }, c: 1 }, { a: null, c: { d: 2 } })).toEqual({ a: null, c: { d: 2 } });
  });
});

describe('Function: modeFor', () => {
  it('uses the remediation override over the global mode, and the global mode otherwise', () => {
    // Prepare
    const settings = parseSettings({
      mode: 'enforce',
      remediations: { 'revoke-open-ssh': { mode: 'dry-run' }, 'block-public-s3': {} },
    });

    // Act and Assess
    expect(modeFor(settings, 'revoke-open-ssh')).toBe('dry-run');
    expect(modeFor(settings, 'block-public-s3')).toBe('enforce');
    expect(modeFor(settings, 'strip-internet-routes')).toBe('enforce');
  });
});

describe('Function: allowed', () => {
  it('admits listed values, everything with *, nothing with an empty list', () => {
    expect(allowed(['111122223333'], '111122223333')).toBe(true);
    expect(allowed(['111122223333'], '444455556666')).toBe(false);
    expect(allowed(['*'], '444455556666')).toBe(true);
    expect(allowed([], '111122223333')).toBe(false);
  });
});

describe('Function: settingsLoader', () => {
  const raw = { mode: 'dry-run', allowedAccounts: ['111122223333'], parameter: '/airlock/settings' };

  it('returns the environment settings with no read when no parameter is set', async () => {
    // Prepare
    const store = parameterStore({ mode: 'enforce' });
    const base = parseSettings({ mode: 'dry-run' });

    // Act
    const settings = await settingsLoader({ mode: 'dry-run' }, base, store.provider)();

    // Assess
    expect(settings).toBe(base);
    expect(store.reads).toEqual([]);
  });

  it('merges the Parameter Store document over the environment, read as JSON with the cache age', async () => {
    // Prepare
    const store = parameterStore({ mode: 'enforce', blastRadius: { maxWrites: 3 } });

    // Act
    const settings = await settingsLoader(raw, parseSettings(raw), store.provider)();

    // Assess
    expect(settings.mode).toBe('enforce');
    expect(settings.allowedAccounts).toEqual(['111122223333']);
    expect(settings.blastRadius).toEqual({ maxWrites: 3, windowSeconds: 300 });
    expect(store.reads).toEqual([{ name: '/airlock/settings', options: { maxAge: 60, transform: 'json' } }]);
  });

  it('keeps the environment settings when the parameter is empty', async () => {
    const base = parseSettings(raw);
    const settings = await settingsLoader(raw, base, parameterStore(undefined).provider)();
    expect(settings).toBe(base);
  });

  it.each([
    [['enforce'], 'parameter /airlock/settings must hold a JSON object'],
    ['enforce', 'parameter /airlock/settings must hold a JSON object'],
    [{ mode: 'on' }, 'parameter /airlock/settings: mode: Invalid option'],
    [{ allowedAccounts: ['*', 'x'] }, 'parameter /airlock/settings: allowedAccounts.1:'],
  ])('rejects the document %j naming the parameter and the setting', async (document, message) => {
    // Prepare
    const load = settingsLoader(raw, parseSettings(raw), parameterStore(document).provider);

    // Act and Assess
    await expect(load()).rejects.toThrow(SettingsError);
    await expect(load()).rejects.toThrow(message);
  });

  it('lets a failed read through (the pipeline records FAILED and the event is retried)', async () => {
    const load = settingsLoader(
      raw,
      parseSettings(raw),
      parameterStore(new Error('ThrottlingException')).provider,
    );
    await expect(load()).rejects.toThrow('ThrottlingException');
  });
});

import { describe, expect, it } from 'vitest';
import { isWriteApi } from '../cloud.js';
import type { SimKind } from '../kind.js';
import { sampleSimState } from '../sample.js';
import { emptyAccount, emptyRegion, parseSimState } from '../state.js';
import { summarizeSimState } from '../summary.js';
import { SIM_KINDS } from './index.js';

const KINDS = SIM_KINDS as readonly SimKind[];

describe('Function: the kinds registry', () => {
  it('gives every field of every kind a default, so that a new region or account starts empty', () => {
    // Act
    const region = emptyRegion();
    const account = emptyAccount();

    // Assess
    for (const kind of KINDS) {
      for (const field of Object.keys(kind.fields)) {
        const where = kind.scope === 'region' ? region : account;
        expect(where, `${kind.name}: ${field}`).toHaveProperty(field);
        expect(kind.fields[field]!.parse(undefined), `${kind.name}: ${field}`).toEqual(
          (where as Record<string, unknown>)[field],
        );
      }
    }
    expect(account.regions).toEqual({});
  });

  it('declares each field, each setting and each API once across the kinds', () => {
    // Prepare
    const names = (pick: (k: SimKind) => string[]) => KINDS.flatMap(pick);
    const fields = names((k) => Object.keys(k.fields).map((f) => `${k.scope}:${f}`));
    const settings = names((k) => Object.keys(k.settings));
    const apis = names((k) =>
      Object.entries(k.apis ?? {}).flatMap(([service, a]) =>
        Object.keys(a).map((api) => `${service}:${api}`),
      ),
    );

    // Assess
    expect(new Set(fields).size).toBe(fields.length);
    expect(new Set(settings).size).toBe(settings.length);
    expect(new Set(apis).size).toBe(apis.length);
    expect(apis.length).toBeGreaterThan(0);
  });

  it('names the resource of every write in the change log: each kind with a write API says how', () => {
    // Act
    const silent = KINDS.filter(
      (k) =>
        !k.resourceId &&
        (k.server !== undefined || Object.values(k.apis ?? {}).some((a) => Object.keys(a).some(isWriteApi))),
    );

    // Assess
    expect(silent.map((k) => k.name)).toEqual([]);
  });

  it('builds a valid sample from the kinds, each summarised by `sim show`', () => {
    // Act
    const sample = sampleSimState();
    const rows = summarizeSimState(parseSimState(structuredClone(sample)));

    // Assess
    expect(Object.keys(sample.accounts)).toEqual(['111122223333']);
    for (const kind of KINDS.filter((k) => k.sample && k.summarize)) {
      const where =
        kind.scope === 'region'
          ? sample.accounts['111122223333']!.regions['eu-west-2']!
          : sample.accounts['111122223333']!;
      const items = kind.summarize!(where);
      expect(items.length, kind.name).toBeGreaterThan(0);
      for (const item of items) expect(rows, kind.name).toContainEqual(expect.objectContaining(item));
    }
  });
});

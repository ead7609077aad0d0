import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Real-world fixtures (AWS documentation, SDK and CLI examples, recordings of real calls), kept in
 * the repository with their sources in `test/fixtures/real-world/SOURCES.md`.
 */
export const REAL_WORLD = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'real-world');

/** Loads a real-world fixture by its path under `real-world/`. */
export function loadRealWorld<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(join(REAL_WORLD, path), 'utf8')) as T;
}

/** The files of a real-world fixture folder. */
export function listRealWorld(folder: string): string[] {
  return readdirSync(join(REAL_WORLD, folder)).filter((f) => f.endsWith('.json'));
}

/**
 * A placebo recording (`{status_code, data}`) with its datetime objects turned into ISO strings.
 */
export function loadPlacebo<T = unknown>(path: string): T {
  const raw = loadRealWorld<{ data: unknown }>(path);
  const revive = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o.__class__ === 'datetime') {
        const pad = (n: unknown) => String(n).padStart(2, '0');
        return `${o.year}-${pad(o.month)}-${pad(o.day)}T${pad(o.hour)}:${pad(o.minute)}:${pad(o.second)}Z`;
      }
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, revive(x)]));
    }
    return v;
  };
  return revive(raw.data) as T;
}

/** A local fixture under test/fixtures. */
export function loadFixture<T = unknown>(path: string): T {
  return JSON.parse(
    readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', path), 'utf8'),
  ) as T;
}

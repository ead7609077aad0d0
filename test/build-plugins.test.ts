import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { search as jmespathSearch } from '@aws-lambda-powertools/jmespath';
import { build } from 'esbuild';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  inlineSchemaKeys,
  lambdaBundlePlugins,
  schemaKeysPlugin,
  sdkPackageInfoPlugin,
} from '../build/esbuild-plugins.mjs';
import { PowertoolsFunctions, search } from '../build/jmespath-fields.mjs';
import { defaultProvider } from '../build/lambda-credentials.mjs';
import {
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../build/no-event-streams.mjs';

const ROOT = join(import.meta.dirname, '..');
const schemaModule = (client: string) =>
  join(ROOT, 'node_modules', '@aws-sdk', client, 'dist-es', 'schemas', 'schemas_0.js');

/** Bundles `source` (an ES module's text) with or without `plugins` and imports the result. */
async function bundleAndImport(source: string, plugins: Parameters<typeof build>[0]['plugins'] = []) {
  const out = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'error',
    plugins,
  });
  const file = join(mkdtempSync(join(tmpdir(), 'airlock-plugin-')), 'out.mjs');
  writeFileSync(file, out.outputFiles[0]!.text);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

type Fn = (...args: never[]) => unknown;

const isClass = (f: Fn) => /^class\b/.test(Function.prototype.toString.call(f));

/**
 * Where two schema graphs differ (a path), or undefined when they are the same: same values, same
 * shapes, thunks (`() => X$`) compared by what they return, classes by name. Cycles are followed once.
 */
function differs(a: unknown, b: unknown, path: string, seen: Map<object, unknown>): string | undefined {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (a === null || b === null || (typeof a !== 'object' && typeof a !== 'function')) {
    return Object.is(a, b) ? undefined : `${path}: ${String(a)} vs ${String(b)}`;
  }
  if (seen.has(a)) return seen.get(a) === b ? undefined : `${path}: cycle to another node`;
  seen.set(a, b);
  if (typeof a === 'function') {
    const f = a as Fn;
    const g = b as Fn;
    if (isClass(f) || f.length > 0) return f.name === g.name ? undefined : `${path}: ${f.name} vs ${g.name}`;
    return differs(f(), g(), `${path}()`, seen);
  }
  if (a instanceof Map && b instanceof Map) return differs([...a], [...b], `${path}<map>`, seen);
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.join() !== kb.join()) return `${path}: keys ${ka.join()} vs ${kb.join()}`;
  for (const k of ka) {
    const d = differs(
      (a as Record<string, unknown>)[k],
      (b as Record<string, unknown>)[k],
      `${path}.${k}`,
      seen,
    );
    if (d) return d;
  }
  return undefined;
}

describe('Build: the schema-key plugin', () => {
  it('writes every computed key of the EC2 schemas as its string, and nothing else', () => {
    // Prepare
    const source = readFileSync(schemaModule('client-ec2'), 'utf8');

    // Act
    const { contents, replaced } = inlineSchemaKeys(source);

    // Assess
    expect(replaced).toBeGreaterThan(1000);
    expect(contents).not.toMatch(/[{,]\s*\[_\w+\]:/);
    expect(contents.replace(/"[^"\n]*":/g, '')).toBe(
      source.replace(/\[_\w+\]:/g, '').replace(/"[^"\n]*":/g, ''),
    );
  });

  it.each(['client-ec2', 'client-s3', 'client-dynamodb', 'client-eks', 'client-ssm', 'client-sts'])(
    'leaves every schema of %s the same',
    async (client) => {
      // Prepare
      const entry = `export * from ${JSON.stringify(schemaModule(client))};`;

      // Act
      const original = await bundleAndImport(entry);
      const inlined = await bundleAndImport(entry, [schemaKeysPlugin()]);

      // Assess
      expect(Object.keys(inlined).length).toBeGreaterThan(10);
      expect(differs(original, inlined, client, new Map())).toBeUndefined();
    },
    120_000,
  );

  it('lets tree shaking drop the schemas of operations a function does not call', async () => {
    // Prepare
    const entry = `export { EC2Client, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';`;
    const bytes = async (plugins: Parameters<typeof build>[0]['plugins']) => {
      const out = await build({
        stdin: { contents: entry, resolveDir: ROOT, loader: 'js' },
        bundle: true,
        minify: true,
        platform: 'node',
        format: 'esm',
        mainFields: ['module', 'main'],
        write: false,
        metafile: true,
        logLevel: 'error',
        plugins,
      });
      const inputs = Object.values(out.metafile.outputs)[0]!.inputs;
      return Object.entries(inputs)
        .filter(([f]) => f.includes('client-ec2/dist-es/schemas'))
        .reduce((n, [, x]) => n + x.bytesInOutput, 0);
    };

    // Act
    const [without, withPlugin] = [await bytes([]), await bytes([schemaKeysPlugin()])];

    // Assess
    expect(without).toBeGreaterThan(400_000);
    expect(withPlugin).toBeLessThan(20_000);
  }, 120_000);
});

describe('Build: the SDK package.json plugin', () => {
  it('keeps the name and the version', async () => {
    // Act
    const mod = await bundleAndImport(`export { default } from '@aws-sdk/client-s3/package.json';`, [
      sdkPackageInfoPlugin(),
    ]);

    // Assess
    const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules/@aws-sdk/client-s3/package.json'), 'utf8'));
    expect(mod.default).toEqual({ name: '@aws-sdk/client-s3', version: pkg.version });
  });
});

describe('Build: the JMESPath stand-in', () => {
  const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,4}$/);
  const tree = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 1 }),
      fc.dictionary(name, tie('node'), { maxKeys: 4 }),
      fc.array(tie('node'), { maxLength: 2 }),
    ),
  })).node;

  it('finds what Powertools JMESPath finds for every field path', () => {
    fc.assert(
      fc.property(tree, fc.array(name, { minLength: 1, maxLength: 3 }), (data, names) => {
        const path = names.join('.');
        expect(search(path, data)).toEqual(jmespathSearch(path, data as never));
      }),
      { numRuns: 500 },
    );
  });

  it('finds the idempotency key airlock hashes', () => {
    expect(search('key', { key: 'restricted-ssh#sg-1' })).toBe('restricted-ssh#sg-1');
    expect(search('key', { other: 1 })).toBeNull();
  });

  it.each(['powertools_json(body).key', 'a[0]', 'a || b', '"quoted-key"', '*', 'a.b[?c]', ''])(
    'refuses %j, which only the full interpreter evaluates',
    (expression) => {
      expect(() => search(expression, { a: 1 })).toThrow(/JMESPath field paths only/);
    },
  );

  it('keeps the class Powertools compares configurations by', () => {
    expect(new PowertoolsFunctions().constructor).toBe(PowertoolsFunctions);
  });
});

describe('Build: the credentials stand-in', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('returns the credentials the Lambda runtime sets', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIALAMBDAROLEKEY000');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'role-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'role-token');

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({
      accessKeyId: 'ASIALAMBDAROLEKEY000',
      secretAccessKey: 'role-secret',
      sessionToken: 'role-token',
    });
  });

  it('says where it looked when the environment holds none, and looks nowhere else', async () => {
    // Prepare
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    vi.stubEnv('AWS_PROFILE', 'somewhere-else');

    // Act
    const failure = defaultProvider()();

    // Assess
    await expect(failure).rejects.toThrow(/no AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY in the environment/);
    await expect(failure).rejects.toMatchObject({ tryNextLink: false });
  });
});

describe('Build: the event-stream stand-in', () => {
  it("leaves a client that imports event streams (the sweep's Lambda client) working for its other operations", async () => {
    // Prepare: a Lambda endpoint answering Invoke, and the client bundled with every plugin
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('x-amz-executed-version', '$LATEST');
        res.end(JSON.stringify({ ok: req.url }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const sdk = await bundleAndImport(
        `export { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda';`,
        lambdaBundlePlugins(),
      );
      const { LambdaClient, InvokeCommand } = sdk as unknown as typeof import('@aws-sdk/client-lambda');
      const lambda = new LambdaClient({
        region: 'eu-west-2',
        endpoint,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      });

      // Act
      const out = await lambda.send(new InvokeCommand({ FunctionName: 'airlock-revoke-open-ssh' }));

      // Assess
      expect(JSON.parse(Buffer.from(out.Payload ?? []).toString())).toEqual({
        ok: '/2015-03-31/functions/airlock-revoke-open-ssh/invocations',
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 120_000);

  it('lets a client construct its marshaller, and refuses to use it', () => {
    // Act
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });

    // Assess
    expect(() => (config.eventStreamMarshaller as { serialize(): never }).serialize()).toThrow(
      /event streams are left out/,
    );
    expect(() => new EventStreamSerde()).toThrow(/event streams are left out/);
  });
});

// esbuild plugins of the function bundles (esbuild.config.mjs): they take out of each bundle what the
// function never runs in Lambda. The CLI, the tests and the unbundled benchmark keep the packages as
// published. bench/README.md ("Where the bytes go") has the figures.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const here = import.meta.dirname;

/** The AWS SDK's generated schema modules: `@aws-sdk/<client>/dist-es/[submodules/<x>/]schemas/schemas_N.js`. */
export const SCHEMA_MODULE =
  /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:[^\\/]+[\\/])*schemas[\\/]schemas_\d+\.js$/;

/**
 * The schema module with every computed key that names one of its own string constants written as
 * that string: `{ [_xN]: _Fil }` becomes `{ "xmlName": _Fil }`, the same object.
 *
 * Why: esbuild keeps any statement holding a computed key that is not a literal (`[_xN]` could call a
 * getter or `toString`), so every schema of a client stays in the bundle whether an operation uses
 * it or not: 542 KiB of `@aws-sdk/client-ec2` for the five operations a function calls (esbuild
 * issue #4373, aws-sdk-js-v3 issue #7607; smithy-typescript PR #1889 makes the generator write
 * literal keys). With literal keys, tree shaking keeps only the schemas the imported commands reach.
 *
 * @param {string} source the module's text
 * @returns {{ contents: string, replaced: number }}
 */
export function inlineSchemaKeys(source) {
  /** @type {Map<string, string>} */
  const strings = new Map();
  for (const m of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(m[1], m[2]);
  let replaced = 0;
  const contents = source.replace(/([{,]\s*)\[(_\w+)\]:/g, (whole, before, name) => {
    const literal = strings.get(name);
    if (literal === undefined) return whole;
    replaced++;
    return `${before}${literal}:`;
  });
  return { contents, replaced };
}

/** @returns {import('esbuild').Plugin} */
export function schemaKeysPlugin() {
  return {
    name: 'airlock-schema-keys',
    setup(build) {
      build.onLoad({ filter: SCHEMA_MODULE }, async ({ path }) => ({
        contents: inlineSchemaKeys(await readFile(path, 'utf8')).contents,
        loader: 'js',
      }));
    },
  };
}

/** An AWS SDK package's package.json, which each client imports whole for one field. */
export const SDK_PACKAGE_JSON = /[\\/]@aws-sdk[\\/][^\\/]+[\\/]package\.json$/;

/**
 * The SDK clients import their package.json for `version` (the user agent): the bundle keeps the
 * name and the version, not the 2 KiB of scripts, dependencies and metadata of each.
 *
 * @returns {import('esbuild').Plugin}
 */
export function sdkPackageInfoPlugin() {
  return {
    name: 'airlock-sdk-package-info',
    setup(build) {
      build.onLoad({ filter: SDK_PACKAGE_JSON }, async ({ path }) => {
        const { name, version } = JSON.parse(await readFile(path, 'utf8'));
        return { contents: JSON.stringify({ name, version }), loader: 'json' };
      });
    },
  };
}

/**
 * Packages replaced in the function bundles, and by what:
 * - `@aws-sdk/credential-provider-node` (the default credential chain, with its SSO, profile, login,
 *   process, web-identity and metadata providers and their nested clients) by the environment's
 *   credentials only, which the Lambda runtime sets (build/lambda-credentials.mjs);
 * - `@aws-lambda-powertools/jmespath` (a JMESPath interpreter, imported by Powertools' idempotency
 *   for its key and validation paths) by field paths only (build/jmespath-fields.mjs);
 * - `@smithy/core/event-streams` (event stream codec and serde, for operations no function calls) by
 *   a marshaller that refuses to work (build/no-event-streams.mjs).
 */
export const LAMBDA_STAND_INS = {
  '@aws-sdk/credential-provider-node': join(here, 'lambda-credentials.mjs'),
  '@aws-lambda-powertools/jmespath': join(here, 'jmespath-fields.mjs'),
  '@aws-lambda-powertools/jmespath/functions': join(here, 'jmespath-fields.mjs'),
  '@smithy/core/event-streams': join(here, 'no-event-streams.mjs'),
};

/**
 * Packages only browser code imports (`import()` in `@aws-sdk/core`'s browser user agent): left out.
 * Tree shaking drops the code that imports them, but esbuild would still write their chunk.
 */
export const BROWSER_ONLY = ['bowser'];

/** @param {readonly string[]} names */
const exactly = (names) => new RegExp(`^(?:${names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);

/** @returns {import('esbuild').Plugin} */
export function lambdaStandInsPlugin() {
  return {
    name: 'airlock-lambda-stand-ins',
    setup(build) {
      build.onResolve({ filter: exactly(Object.keys(LAMBDA_STAND_INS)) }, ({ path }) => ({
        path: LAMBDA_STAND_INS[/** @type {keyof typeof LAMBDA_STAND_INS} */ (path)],
      }));
      build.onResolve({ filter: exactly(BROWSER_ONLY) }, ({ path }) => ({ path, external: true }));
    },
  };
}

/**
 * Dynamic imports of Node built-ins that the bundle turns into `require` (the bundle's banner
 * defines it), by the file that holds them. Node evaluates every export of a built-in when
 * `import()` loads it: `node:http`'s exports include `WebSocket`, `MessageEvent` and `CloseEvent`,
 * which load undici (and http2, worker_threads...): 10-20 ms at the first request to an http://
 * endpoint, where `require('node:http')` costs under a millisecond. The SDK reads either shape
 * (`node_http.default ?? node_http`).
 */
export const BUILTIN_IMPORTS = [
  {
    file: /[\\/]@smithy[\\/]node-http-handler[\\/]dist-es[\\/]node-http-handler\.js$/,
    specifier: 'node:http',
  },
];

/** @returns {import('esbuild').Plugin} */
export function builtinRequirePlugin() {
  return {
    name: 'airlock-builtin-require',
    setup(build) {
      for (const { file, specifier } of BUILTIN_IMPORTS) {
        build.onLoad({ filter: file }, async ({ path }) => {
          const source = await readFile(path, 'utf8');
          const call = `import(${JSON.stringify(specifier)})`;
          if (!source.includes(call)) {
            throw new Error(
              `${path} no longer holds ${call}: update BUILTIN_IMPORTS in build/esbuild-plugins.mjs`,
            );
          }
          return {
            contents: source.replaceAll(call, `Promise.resolve(require(${JSON.stringify(specifier)}))`),
            loader: 'js',
          };
        });
      }
    },
  };
}

/**
 * Every plugin of the function bundles.
 *
 * @returns {import('esbuild').Plugin[]}
 */
export function lambdaBundlePlugins() {
  return [schemaKeysPlugin(), sdkPackageInfoPlugin(), lambdaStandInsPlugin(), builtinRequirePlugin()];
}

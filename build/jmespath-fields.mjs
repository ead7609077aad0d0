// Stand-in for `@aws-lambda-powertools/jmespath` in the function bundles (see esbuild-plugins.mjs).
// Powertools' idempotency imports a whole JMESPath interpreter (lexer, parser, functions) for its
// event key and payload validation paths; airlock's key path is a field name (`key`). This evaluates
// field paths (`a`, `a.b.c`) exactly as the interpreter does and refuses anything else, loudly.

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

const isRecord = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** JMESPath `search` for field paths: a missing field, or a field of a non-object, is null. */
export function search(expression, data) {
  if (typeof expression !== 'string' || !FIELD_PATH.test(expression)) {
    throw new Error(
      `the function bundle evaluates JMESPath field paths only (a.b.c), not ${JSON.stringify(expression)}`,
    );
  }
  let value = data;
  for (const name of expression.split('.')) {
    value = isRecord(value) && name in value ? value[name] : null;
  }
  return value;
}

/** Powertools' custom function set: no function is evaluated here, the class keeps its identity checks. */
export class PowertoolsFunctions {}

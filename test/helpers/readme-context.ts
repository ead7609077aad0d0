// The Deploy example of the README: its code block and the context it passes (`CONTEXT=( -c k=v … )`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** The first `sh` code block after the heading `heading` of a Markdown file of the repository. */
export function deployBlock(file = 'README.md', heading = '## Deploy'): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${file} has no ${heading} section`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block?.[1]) throw new Error(`${file} ${heading} has no sh code block`);
  return block[1];
}

/** The `-c key=value` pairs of the block's `CONTEXT=( … )` array, as the CLI receives them. */
export function exampleContextArgs(block = deployBlock()): string[] {
  return shellArrayArgs(block, 'CONTEXT');
}

/**
 * The words of the block's `<name>=( … )` array as the shell passes them: split on blanks, a word in
 * single quotes unquoted (the examples quote JSON values without blanks).
 */
export function shellArrayArgs(block: string, name: string): string[] {
  const array = new RegExp(`${name}=\\(\\n([\\s\\S]*?)\\n\\)`).exec(block)?.[1];
  if (!array) throw new Error(`the example has no ${name}=( … ) array`);
  return array
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => (/^'[^']*'$/.test(word) ? word.slice(1, -1) : word));
}

/** The same pairs as an object. */
export function exampleContext(block = deployBlock(), name = 'CONTEXT'): Record<string, string> {
  const args = shellArrayArgs(block, name);
  const out: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] !== '-c') throw new Error(`expected -c, got ${args[i]}`);
    const pair = args[i + 1] ?? '';
    const at = pair.indexOf('=');
    out[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return out;
}

// The CDK app: `npm run synth` (bundles first), or `npx cdk synth|deploy` with cdk.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AirlockStack } from './airlock-stack.js';
import { readContext } from './context.js';
import { MemberStack } from './member-stack.js';
import { nagPacks } from './nag.js';
import { loadRegistries } from './registries.js';

const root = join(import.meta.dirname, '..');
const runByCli = Boolean(process.env.CDK_OUTDIR);
// run by the CDK CLI, the CLI passes the output folder and the context; run alone (npm run synth),
// cdk.out/ and the context of cdk.json and of `-c key=value` arguments
const app = new App(
  runByCli ? {} : { outdir: join(root, 'cdk.out'), context: standaloneContext(process.argv.slice(2)) },
);
const context = readContext((key) => app.node.tryGetContext(key));
const registries = await loadRegistries();
const central = new AirlockStack(app, 'Airlock', {
  context,
  registries,
  // the bundles: dist/ (npm run build), or a folder a pipeline built them into
  distDir: process.env.AIRLOCK_DIST_DIR ?? join(root, 'dist'),
  documentsDir: join(root, 'ssm-documents'),
});
// many accounts: the member template on its own too (cdk.out/AirlockMember.template.json), the same
// one the StackSet carries inline
if (central.memberProps) new MemberStack(app, 'AirlockMember', central.memberProps);
Validations.of(app).addPlugins(...nagPacks(app));
app.synth();

/** cdk.json's context, overridden by `-c key=value` / `--context key=value` arguments. */
function standaloneContext(args: readonly string[]): Record<string, string | unknown> {
  const file = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const context: Record<string, unknown> = { ...file.context };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const inline = /^--context=(.*)$/.exec(arg)?.[1];
    const pair = inline ?? (arg === '-c' || arg === '--context' ? args[++i] : undefined);
    if (pair === undefined) continue;
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`context argument ${pair} is not key=value`);
    context[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return context;
}

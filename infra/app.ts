// The CDK app: `npx cdk synth|diff|deploy` (cdk.json builds the bundles first), or `npm run synth`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AirlockStack } from './airlock-stack.js';
import { ContextError, readRegionalContexts } from './context.js';
import { MemberStack } from './member-stack.js';
import { nagPacks } from './nag.js';
import { stackNameIn } from './names.js';
import { loadRegistries } from './registries.js';

const root = join(import.meta.dirname, '..');

try {
  await synthesize();
} catch (error) {
  // a bad context key (or a bad remediation setting) stops synth with one clear line, exit code 1
  const causes: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) causes.push(e.message);
  console.error(`airlock: cannot synthesize: ${causes.join(': ')}`);
  if (!(error instanceof ContextError)) console.error(error);
  process.exitCode = 1;
}

async function synthesize(): Promise<void> {
  const runByCli = Boolean(process.env.CDK_OUTDIR);
  // run by the CDK CLI, the CLI passes the output folder and the context; run alone (npm run synth),
  // cdk.out/ and the context of cdk.json and of `-c key=value` arguments
  const app = new App(
    runByCli ? {} : { outdir: join(root, 'cdk.out'), context: standaloneContext(process.argv.slice(2)) },
  );
  const [primary, ...others] = readRegionalContexts((key) => app.node.tryGetContext(key));
  const registries = await loadRegistries();
  const props = {
    registries,
    // the bundles: dist/ (npm run build), or a folder a pipeline built them into
    distDir: process.env.AIRLOCK_DIST_DIR ?? join(root, 'dist'),
    documentsDir: join(root, 'ssm-documents'),
  };
  // one central stack per region: `Airlock` in the primary, `Airlock-<region>` in each other
  const central = new AirlockStack(app, stackNameIn(primary!.region, primary!.regions), {
    ...props,
    context: primary!,
  });
  for (const context of others) {
    new AirlockStack(app, stackNameIn(context.region, context.regions), {
      ...props,
      context,
      primary: central,
    });
  }
  // many accounts: the member template on its own too (cdk.out/AirlockMember.template.json), the same
  // one the StackSet carries inline
  if (central.memberProps) new MemberStack(app, 'AirlockMember', central.memberProps);
  Validations.of(app).addPlugins(...nagPacks(app));
  app.synth();
}

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

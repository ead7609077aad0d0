// The CDK app: `npm run synth` (bundles first), or `npx cdk synth|deploy` with cdk.json.
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AirlockStack } from './airlock-stack.js';
import { readContext } from './context.js';
import { nagPacks } from './nag.js';
import { loadRegistries } from './registries.js';

const root = join(import.meta.dirname, '..');
const app = new App();
const context = readContext((key) => app.node.tryGetContext(key));
const registries = await loadRegistries();
new AirlockStack(app, 'Airlock', {
  context,
  registries,
  distDir: join(root, 'dist'),
  documentsDir: join(root, 'ssm-documents'),
});
Validations.of(app).addPlugins(...nagPacks(app));
app.synth();

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, REQUIRED_KEYS } from '../../infra/context.js';
import { deployBlock, exampleContext, ROOT } from '../helpers/readme-context.js';
import { EXAMPLE_CONTEXT, EXAMPLE_REGIONS } from '../helpers/synth-fixture.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

describe('Function: the Deploy documentation', () => {
  it("gives in the README's example exactly the context the infrastructure tests synthesize", () => {
    // Act
    const context = exampleContext();

    // Assess
    expect(context).toEqual(EXAMPLE_CONTEXT);
    expect(Object.keys(context)).toEqual(expect.arrayContaining([...REQUIRED_KEYS]));
  });

  it("gives in the README's many-regions example exactly the regions the infrastructure tests synthesize", () => {
    // Act
    const regions = exampleContext(deployBlock('README.md', '### Many regions'), 'REGIONS');

    // Assess
    expect({ ...regions, regionContext: JSON.parse(regions.regionContext ?? 'null') }).toEqual({
      ...EXAMPLE_REGIONS,
      regionContext: JSON.parse(EXAMPLE_REGIONS.regionContext!),
    });
  });

  it('shows the same example in infra/README.md', () => {
    // Act & Assess
    expect(deployBlock('infra/README.md')).toBe(deployBlock());
  });

  it('builds, synthesizes and deploys with one command, the CLI building the bundles first', () => {
    // Prepare
    const pkg = JSON.parse(read('package.json')) as {
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const cdk = JSON.parse(read('cdk.json')) as { app: string; context: Record<string, unknown> };

    // Act
    const block = deployBlock();

    // Assess
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell array expansion, not a template
    expect(block).toContain('npm run deploy -- "${CONTEXT[@]}"');
    expect(block).toContain('npx cdk bootstrap aws://111122223333/eu-west-2');
    expect(pkg.scripts.deploy).toBe('cdk deploy Airlock');
    expect(pkg.devDependencies['aws-cdk']).toMatch(/^2\.1148\.\d+$/);
    expect(cdk.app).toMatch(/^npm run -s build >&2 && npx tsx infra\/app\.ts$/);
    expect(cdk.context['cli-telemetry']).toBe(false);
  });

  it('documents every context key the app reads', () => {
    // Prepare
    const doc = read('infra/README.md');

    // Act
    const missing = CONTEXT_KEYS.filter((key) => !doc.includes(`\`${key}\``));

    // Assess
    expect(missing).toEqual([]);
  });
});

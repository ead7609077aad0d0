// The pinned CDK CLI against the app, offline and without credentials: `cdk ls` and `cdk synth` with the
// README's example context, in a copy of the project (its own dist/ and cdk.out/, so nothing another
// test reads is rebuilt under it). A CLI that cannot read the cloud assembly aws-cdk-lib writes fails here.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVALUATORS } from '../../functions/evaluator-registry.js';
import { REMEDIATIONS } from '../../functions/registry.js';
import { deployBlock, exampleContextArgs, ROOT, shellArrayArgs } from '../helpers/readme-context.js';

/** What `cdk.json`'s app needs: the sources of the functions and the app, the documents, the build. */
const COPIED = [
  'functions',
  'shared',
  'infra',
  'ssm-documents',
  'esbuild.config.mjs',
  'build',
  'package.json',
  'cdk.json',
  'tsconfig.json',
];

let project: string;

/**
 * No credentials, no metadata service, no version check, notices or telemetry, and a proxy that refuses
 * every connection: anything that tries the network fails at once instead of waiting.
 */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(AWS_|CDK_|npm_|HTTPS?_PROXY|NO_PROXY)/i.test(k)) env[k] = v;
  }
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(project, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(project, 'no-aws-credentials'),
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    npm_config_update_notifier: 'false',
  };
}

function run(command: string, args: readonly string[]) {
  const result = spawnSync(command, args, {
    cwd: project,
    env: offlineEnv(),
    encoding: 'utf8',
    timeout: 280_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'airlock-cdk-cli-'));
  for (const entry of COPIED) cpSync(join(ROOT, entry), join(project, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'), 'dir');
});

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('Function: the pinned CDK CLI (offline)', () => {
  it('lists the Airlock stack with the README example context', () => {
    // Act
    const ls = run('npx', ['cdk', 'ls', '--no-notices', ...exampleContextArgs()]);

    // Assess
    expect({ status: ls.status, stderr: ls.status === 0 ? '' : ls.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    expect(ls.stdout.trim().split('\n')).toEqual(['Airlock']);
  }, 300_000);

  it('synthesizes a cloud assembly it can read, with fresh bundles', () => {
    // Prepare
    const out = join(project, 'assembly');

    // Act
    const synth = run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', out, ...exampleContextArgs()]);

    // Assess
    expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { version: string };
    const template = JSON.parse(readFileSync(join(out, 'Airlock.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    // One function per remediation, one per Config rule evaluator, and the sweep.
    expect(Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function').length).toBe(
      REMEDIATIONS.length + EVALUATORS.length + 1,
    );
    expect(existsSync(join(project, 'dist', 'revoke-open-ssh', 'index.mjs'))).toBe(true);
  }, 300_000);

  it("synthesizes the README's two regions offline: a stack per region and the member stack", () => {
    // Prepare
    const out = join(project, 'assembly-regions');
    const block = deployBlock('README.md', '### Many regions');
    const args = [
      ...exampleContextArgs(),
      ...shellArrayArgs(block, 'REGIONS'),
      ...shellArrayArgs(block, 'ORG'),
    ];

    // Act
    const synth = run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', out, ...args]);

    // Assess
    expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({
      status: 0,
      stderr: '',
    });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([name, a]) => [name, a.environment]);
    expect(stacks).toEqual([
      ['Airlock', 'aws://111122223333/eu-west-2'],
      ['Airlock-eu-central-1', 'aws://111122223333/eu-central-1'],
      ['AirlockMember', 'aws://unknown-account/unknown-region'],
    ]);
    expect(block).toContain('npx cdk deploy Airlock-eu-central-1');
  }, 300_000);

  it('stops with the name of a malformed context key and exit code 1, writing no assembly', () => {
    // Prepare
    const args = exampleContextArgs().map((a) => (a.startsWith('vpcId=') ? 'vpcId=vpc-1' : a));
    rmSync(join(project, 'cdk.out'), { recursive: true, force: true });

    // Act
    const app = run('npx', ['tsx', 'infra/app.ts', ...args]);

    // Assess
    expect(app.status).toBe(1);
    expect(app.stderr).toContain(
      'airlock: cannot synthesize: context vpcId must be a VPC id (vpc-…), got "vpc-1"',
    );
    expect(existsSync(join(project, 'cdk.out', 'Airlock.template.json'))).toBe(false);
  }, 120_000);
});

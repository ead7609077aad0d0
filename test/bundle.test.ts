import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundleSize, readMetafile } from '../bench/bundle-sizes.js';
import { startDynalite } from './helpers/dynalite.js';
import { complianceEvent } from './helpers/events.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const FOLDER = join(DIST, 'revoke-open-ssh');
const HOME = '111122223333';
const MEMBER = '444455556666';
const GROUP = 'sg-0123456789abcdef0';

/** One request the fake AWS endpoint received: the action and the access key it was signed with. */
interface Call {
  readonly action: string;
  readonly key: string;
  readonly params: URLSearchParams;
}

const signedBy = (req: IncomingMessage) =>
  /Credential=([A-Z0-9]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';

const EC2_NS = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';

function ec2Rules(open: boolean): string {
  const rule = (id: string, cidr: string) =>
    `<item><securityGroupRuleId>${id}</securityGroupRuleId><groupId>${GROUP}</groupId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><cidrIpv4>${cidr}</cidrIpv4></item>`;
  const items = `${open ? rule('sgr-0aaaaaaaaaaaaaaaa', '0.0.0.0/0') : ''}${rule('sgr-0bbbbbbbbbbbbbbbb', '10.0.0.0/8')}`;
  return `<DescribeSecurityGroupRulesResponse ${EC2_NS}><requestId>r1</requestId><securityGroupRuleSet>${items}</securityGroupRuleSet></DescribeSecurityGroupRulesResponse>`;
}

const ASSUMED = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAMEMBERROLEKEY000</AccessKeyId><SecretAccessKey>member-secret</SecretAccessKey><SessionToken>member-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:airlock</AssumedRoleId><Arn>arn:aws:sts::${MEMBER}:assumed-role/airlock-member/airlock</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r4</RequestId></ResponseMetadata></AssumeRoleResponse>`;

/**
 * A fake AWS endpoint for every service of the bundle: EC2 (query protocol) holding one group with
 * one world-open SSH rule, STS AssumeRole, and SSM GetParameter (JSON protocol) answering `parameters`.
 */
function fakeAws() {
  const state = { open: true, calls: [] as Call[], parameters: {} as Record<string, string> };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target.startsWith('AmazonSSM.')) {
        const name = (JSON.parse(body) as { Name: string }).Name;
        state.calls.push({ action: target, key: signedBy(req), params: new URLSearchParams({ Name: name }) });
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        const value = state.parameters[name];
        if (value === undefined) {
          res.statusCode = 400;
          res.end(JSON.stringify({ __type: 'ParameterNotFound', message: name }));
        } else
          res.end(JSON.stringify({ Parameter: { Name: name, Type: 'String', Value: value, Version: 1 } }));
        return;
      }
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      state.calls.push({ action, key: signedBy(req), params });
      res.setHeader('content-type', 'text/xml');
      if (action === 'DescribeSecurityGroupRules') res.end(ec2Rules(state.open));
      else if (action === 'AssumeRole') res.end(ASSUMED);
      else if (
        action === 'RevokeSecurityGroupIngress' &&
        params.get('SecurityGroupRuleId.1') === 'sgr-0aaaaaaaaaaaaaaaa'
      ) {
        state.open = false;
        res.end(
          `<RevokeSecurityGroupIngressResponse ${EC2_NS}><requestId>r2</requestId><return>true</return></RevokeSecurityGroupIngressResponse>`,
        );
      } else {
        res.statusCode = 400;
        res.end(
          `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors><RequestID>r3</RequestID></Response>`,
        );
      }
    });
  });
  return { server, state };
}

/** Imports the handler from `dir`, hands it each event in turn, prints each result (or error) as a JSON line. */
const SCRIPT = `
const { handler } = await import(process.argv[1]);
for (const event of JSON.parse(process.argv[2])) {
  try { console.log(JSON.stringify({ result: await handler(event) })); }
  catch (error) { console.log(JSON.stringify({ error: String(error) })); }
}`;

const sshEvent = (account = HOME, id?: string) =>
  complianceEvent({
    resourceType: 'AWS::EC2::SecurityGroup',
    resourceId: GROUP,
    rule: 'restricted-ssh',
    account,
    ...(id ? { id } : {}),
  });

describe('Function: the revoke-open-ssh bundle', () => {
  let aws: ReturnType<typeof fakeAws>;
  let url: string;
  let dir: string;

  async function runBundle(
    events: readonly unknown[],
    env: Record<string, string | undefined>,
  ): Promise<{ lines: { result?: Record<string, unknown>; error?: string }[]; output: string }> {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--input-type=module', '-e', SCRIPT, join(dir, 'index.mjs'), JSON.stringify(events)],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          AWS_REGION: 'eu-west-2',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'secret',
          AWS_ENDPOINT_URL: url,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          AIRLOCK_MODE: 'enforce',
          AIRLOCK_ALLOWED_ACCOUNTS: HOME,
          POWERTOOLS_LOG_LEVEL: 'ERROR',
          ...env,
        },
      },
    );
    const lines = stdout
      .split('\n')
      .filter((l) => l.startsWith('{"result"') || l.startsWith('{"error"'))
      .map((l) => JSON.parse(l) as { result?: Record<string, unknown>; error?: string });
    return { lines, output: stdout + stderr };
  }

  beforeAll(async () => {
    if (!existsSync(join(FOLDER, 'index.mjs')))
      throw new Error(`${FOLDER}/index.mjs is missing: the test setup builds it (npm run build)`);
    // the function's folder (index.mjs and its chunks) copied alone: no node_modules, no repository
    dir = mkdtempSync(join(tmpdir(), 'airlock-bundle-'));
    cpSync(FOLDER, dir, { recursive: true });
    aws = fakeAws();
    await new Promise<void>((resolve) => aws.server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(aws.server.address() as AddressInfo).port}`;
  }, 120_000);
  beforeEach(() => {
    aws.state.open = true;
    aws.state.calls = [];
    aws.state.parameters = {};
  });
  afterAll(() => new Promise<void>((resolve) => (aws.server as Server).close(() => resolve())));

  it('runs alone, outside the repository, against an endpoint override', async () => {
    // Act
    const { lines } = await runBundle([sshEvent()], {});

    // Assess
    expect(lines).toEqual([{ result: expect.objectContaining({ outcome: 'APPLIED' }) }]);
    expect(aws.state.open).toBe(false);
    expect(aws.state.calls.map((c) => c.action)).toEqual([
      'DescribeSecurityGroupRules',
      'RevokeSecurityGroupIngress',
      'DescribeSecurityGroupRules',
    ]);
    expect(aws.state.calls.every((c) => c.key === 'AKIDEXAMPLE')).toBe(true);
  });

  it('acts in a member account with the member role, assumed through STS from the environment credentials', async () => {
    // Act
    const { lines } = await runBundle([sshEvent(MEMBER)], {
      AIRLOCK_ALLOWED_ACCOUNTS: `${HOME},${MEMBER}`,
      AIRLOCK_MEMBER_ROLE_NAME: 'airlock-member',
      AIRLOCK_MEMBER_EXTERNAL_ID: 'airlock-o-a1b2c3d4e5',
      AIRLOCK_HOME_ACCOUNT: HOME,
    });

    // Assess: the STS chunk loaded from the copied folder; EC2 signed with the assumed role's key
    expect(lines).toEqual([{ result: expect.objectContaining({ outcome: 'APPLIED' }) }]);
    const [assume, ...ec2] = aws.state.calls;
    expect(assume).toMatchObject({ action: 'AssumeRole', key: 'AKIDEXAMPLE' });
    expect(assume!.params.get('RoleArn')).toBe(`arn:aws:iam::${MEMBER}:role/airlock-member`);
    expect(assume!.params.get('ExternalId')).toBe('airlock-o-a1b2c3d4e5');
    expect(ec2.map((c) => [c.action, c.key])).toEqual([
      ['DescribeSecurityGroupRules', 'ASIAMEMBERROLEKEY000'],
      ['RevokeSecurityGroupIngress', 'ASIAMEMBERROLEKEY000'],
      ['DescribeSecurityGroupRules', 'ASIAMEMBERROLEKEY000'],
    ]);
  });

  it('reads the settings override from Parameter Store and plans instead of acting', async () => {
    // Prepare: an operator flipped the kill switch in the parameter
    aws.state.parameters['/airlock/settings'] = JSON.stringify({ mode: 'dry-run' });

    // Act
    const { lines } = await runBundle([sshEvent()], { AIRLOCK_SETTINGS_PARAMETER: '/airlock/settings' });

    // Assess: the SSM chunk loaded and its answer applied; nothing written
    expect(lines).toEqual([{ result: expect.objectContaining({ outcome: 'PLANNED' }) }]);
    expect(aws.state.calls.map((c) => c.action)).toEqual([
      'AmazonSSM.GetParameter',
      'DescribeSecurityGroupRules',
    ]);
    expect(aws.state.open).toBe(true);
  });

  it('answers a duplicate delivery from the idempotency table, in another container', async () => {
    // Prepare: a real DynamoDB (dynalite) for the idempotency table
    const db = await startDynalite('airlock-bundle');
    try {
      const env = { AIRLOCK_TABLE: db.table, AWS_ENDPOINT_URL_DYNAMODB: db.endpoint };

      // Act: the same event in two processes
      const first = await runBundle([sshEvent()], env);
      const second = await runBundle([sshEvent()], env);

      // Assess: one write; the second process returns the stored result without acting
      expect(first.lines[0]?.result).toMatchObject({ outcome: 'APPLIED' });
      expect(second.lines[0]?.result).toEqual(first.lines[0]?.result);
      expect(aws.state.calls.filter((c) => c.action === 'RevokeSecurityGroupIngress')).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('says where credentials come from when the environment has none, and calls nothing', async () => {
    // Act
    const { lines, output } = await runBundle([sshEvent()], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });

    // Assess
    expect(lines).toHaveLength(1);
    expect(output).toContain('no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment');
    expect(aws.state.calls).toEqual([]);
  });
});

/**
 * Byte budgets (bench/cold-report.ts, BUDGET): 1 MB for functions with the EC2 client, 450 KB for the
 * others, on what a cold start reads (index.mjs and the chunks it imports statically). The EKS and S3
 * functions are held at their current size until the bytes that stand in the way are gone (README,
 * "Performance"). Every folder, its chunks loaded on use included, stays under 1 MB / 600 KB, apart
 * from the chunks of clients that only an optional setting loads, each held to its own budget: KMS
 * (a signing key is set) and Config (a rule named by an organization, conformance pack or Security Hub
 * convention arrives, whose source is then read).
 */
const START_BUDGET: Record<string, number> = {
  'privatize-eks-endpoint': 480_000,
  'block-public-s3': 455_000,
  // the Security Hub client (BatchImportFindings only), the logger and the event's schema: 335 KB today
  'import-findings': 350_000,
};
const OPTIONAL_CHUNK_BUDGET: Record<string, number> = {
  '@aws-sdk/client-kms': 32_000,
  '@aws-sdk/client-config-service': 40_000,
};

/** The bytes of the chunk that holds an optional client (0 when the folder has none). */
function optionalChunkBytes(id: string, client: string): number {
  const outputs = readMetafile(ROOT, id).outputs;
  return Object.entries(outputs)
    .filter(([file]) => file.endsWith('.mjs') && !file.endsWith('index.mjs'))
    .filter(([, out]) => Object.keys(out.inputs).some((i) => i.includes(`${client}/`)))
    .reduce((sum, [, out]) => sum + out.bytes, 0);
}

describe('Function: bundle sizes', () => {
  const ids = readdirSync(DIST).filter((id) => existsSync(join(DIST, id, 'index.mjs')));

  it('builds every function', () => {
    expect(ids).toEqual(
      expect.arrayContaining(['revoke-open-ssh', 'block-public-s3', 'sweep', 'import-findings']),
    );
  });

  it.each(ids)('%s stays within its byte budget', (id) => {
    // Act
    const size = bundleSize(ROOT, id, join(DIST, id));

    // Assess
    const budget = START_BUDGET[id] ?? (size.ec2 ? 1_000_000 : 450_000);
    expect(size.startBytes).toBeLessThanOrEqual(budget);
    let optional = 0;
    for (const [client, limit] of Object.entries(OPTIONAL_CHUNK_BUDGET)) {
      const bytes = optionalChunkBytes(id, client);
      expect(bytes, `${client}'s chunk`).toBeLessThanOrEqual(limit);
      optional += bytes;
    }
    expect(size.totalBytes - optional).toBeLessThanOrEqual(size.ec2 ? 1_000_000 : 600_000);
  });

  it.each(ids)('%s holds nothing a Lambda never runs', (id) => {
    // Prepare
    const size = bundleSize(ROOT, id, join(DIST, id));
    const files = readdirSync(join(DIST, id)).filter((f) => f.endsWith('.mjs'));
    const all = files.map((f) => readFileSync(join(DIST, id, f), 'utf8')).join('\n');
    const atStart = files
      .filter((f) => !(f in size.lazy))
      .map((f) => readFileSync(join(DIST, id, f), 'utf8'))
      .join('\n');

    // Assess: schemas of operations nobody calls, other credential sources, JMESPath, event streams
    for (const absent of [
      'RunInstancesRequest',
      'com.amazonaws.ssooidc',
      'skipping fromEnv provider',
      'LexerError',
      'EventStreamCodec',
    ]) {
      expect(all).not.toContain(absent);
    }
    // Parameter Store and STS are chunks loaded on use
    expect(atStart).not.toContain('com.amazonaws.ssm');
    expect(atStart).not.toContain('com.amazonaws.sts');
  });
});

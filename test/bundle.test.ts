import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complianceEvent } from './helpers/events.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..');
const FOLDER = join(ROOT, 'dist', 'revoke-open-ssh');
const BUNDLE = join(FOLDER, 'index.mjs');

/** A minimal EC2 query-protocol endpoint holding one group with one world-open SSH rule. */
function ec2Endpoint() {
  let open = true;
  const actions: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      actions.push(action);
      res.setHeader('content-type', 'text/xml');
      const ns = 'xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"';
      if (action === 'DescribeSecurityGroupRules') {
        const item = open
          ? `<item><securityGroupRuleId>sgr-0aaaaaaaaaaaaaaaa</securityGroupRuleId><groupId>sg-0123456789abcdef0</groupId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><cidrIpv4>0.0.0.0/0</cidrIpv4></item>`
          : '';
        const keep = `<item><securityGroupRuleId>sgr-0bbbbbbbbbbbbbbbb</securityGroupRuleId><groupId>sg-0123456789abcdef0</groupId><isEgress>false</isEgress><ipProtocol>tcp</ipProtocol><fromPort>22</fromPort><toPort>22</toPort><cidrIpv4>10.0.0.0/8</cidrIpv4></item>`;
        res.end(
          `<DescribeSecurityGroupRulesResponse ${ns}><requestId>r1</requestId><securityGroupRuleSet>${item}${keep}</securityGroupRuleSet></DescribeSecurityGroupRulesResponse>`,
        );
      } else if (
        action === 'RevokeSecurityGroupIngress' &&
        params.get('SecurityGroupRuleId.1') === 'sgr-0aaaaaaaaaaaaaaaa'
      ) {
        open = false;
        res.end(
          `<RevokeSecurityGroupIngressResponse ${ns}><requestId>r2</requestId><return>true</return></RevokeSecurityGroupIngressResponse>`,
        );
      } else {
        res.statusCode = 400;
        res.end(
          `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors><RequestID>r3</RequestID></Response>`,
        );
      }
    });
  });
  return { server, actions, isOpen: () => open };
}

describe('Function: the revoke-open-ssh bundle', () => {
  let endpoint: ReturnType<typeof ec2Endpoint>;
  let url: string;
  beforeAll(async () => {
    if (!existsSync(BUNDLE))
      throw new Error(`${BUNDLE} is missing: the test setup builds it (npm run build)`);
    endpoint = ec2Endpoint();
    await new Promise<void>((resolve) => endpoint.server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(() => new Promise<void>((resolve) => (endpoint.server as Server).close(() => resolve())));

  it('runs alone, outside the repository, against an endpoint override', async () => {
    // Prepare: the function's folder (index.mjs and its chunks) copied to an empty folder (no node_modules)
    const dir = mkdtempSync(join(tmpdir(), 'airlock-bundle-'));
    cpSync(FOLDER, dir, { recursive: true });
    const event = complianceEvent({
      resourceType: 'AWS::EC2::SecurityGroup',
      resourceId: 'sg-0123456789abcdef0',
      rule: 'restricted-ssh',
    });
    const script = `const { handler } = await import(process.argv[1]); console.log(JSON.stringify(await handler(JSON.parse(process.argv[2]))));`;

    // Act
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', script, join(dir, 'index.mjs'), JSON.stringify(event)],
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
          AIRLOCK_ALLOWED_ACCOUNTS: '111122223333',
          POWERTOOLS_LOG_LEVEL: 'ERROR',
        },
      },
    );

    // Assess
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(result).toMatchObject({ outcome: 'APPLIED' });
    expect(endpoint.isOpen()).toBe(false);
    expect(endpoint.actions).toEqual([
      'DescribeSecurityGroupRules',
      'RevokeSecurityGroupIngress',
      'DescribeSecurityGroupRules',
    ]);
  });
});

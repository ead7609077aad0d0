import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  EC2ServiceException,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { EKSClient, ResourceInUseException, UpdateClusterConfigCommand } from '@aws-sdk/client-eks';
import { GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedCloud } from './cloud.js';
import { sampleSimState } from './sample.js';
import { parseSimState, type SimState, SimStateError } from './state.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-2';
const GROUP = 'sg-0a1b2c3d4e5f60718';
const scope = { account: ACCOUNT, region: REGION };

describe('Function: SimulatedCloud', () => {
  let sim: SimulatedCloud;
  let dir: string;

  beforeAll(async () => {
    sim = await SimulatedCloud.create(sampleSimState());
    dir = mkdtempSync(join(tmpdir(), 'airlock-sim-'));
  });

  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    sim.setFaults([]);
    sim.resetCalls();
  });

  describe('retries through the SDK', () => {
    it('retries one injected throttle with the SDK strategy and succeeds on the second attempt', async () => {
      // Prepare
      const ec2 = sim.clientFactory().get(EC2Client, scope);
      sim.setFaults([{ api: 'ec2:DescribeSecurityGroupRules', kind: 'throttle', rate: 1, times: 1 }]);

      // Act
      const out = await ec2.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [GROUP] }] }),
      );

      // Assess
      expect(out.SecurityGroupRules).toHaveLength(3);
      expect(out.$metadata.attempts).toBe(2);
      expect(sim.calls()).toEqual({ 'ec2:DescribeSecurityGroupRules': 2 });
      expect(sim.injected()).toEqual({ 'ec2:DescribeSecurityGroupRules:throttle': 1 });
    });

    it('gives up after maxAttempts with the service throttling error when throttled every time', async () => {
      // Prepare
      const ec2 = sim.clientFactory({ maxAttempts: 2, retryMode: 'standard' }).get(EC2Client, scope);
      sim.setFaults([{ api: 'ec2:*', kind: 'throttle', rate: 1 }]);

      // Act
      const error = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [GROUP] })).catch((e) => e);

      // Assess
      expect(error).toBeInstanceOf(EC2ServiceException);
      expect(error.name).toBe('RequestLimitExceeded');
      expect(error.$metadata.httpStatusCode).toBe(503);
      expect(error.$metadata.attempts).toBe(2);
      expect(sim.calls()).toEqual({ 'ec2:DescribeSecurityGroups': 2 });
    });

    it('retries server errors and timeouts as transient', async () => {
      // Prepare
      const s3 = sim.clientFactory({ retryMode: 'standard' }).get(S3Client, scope);
      sim.setFaults([
        { api: 's3:GetPublicAccessBlock', kind: 'server-error', rate: 1, times: 1 },
        { api: 's3:GetPublicAccessBlock', kind: 'timeout', rate: 1, times: 1 },
      ]);

      // Act
      const out = await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'airlock-sample-audit' }));

      // Assess
      expect(out.PublicAccessBlockConfiguration?.BlockPublicAcls).toBe(true);
      expect(out.$metadata.attempts).toBe(3);
      expect(sim.injected()).toEqual({
        's3:GetPublicAccessBlock:server-error': 1,
        's3:GetPublicAccessBlock:timeout': 1,
      });
    });

    it('raises a TimeoutError once retries are exhausted on timeouts', async () => {
      // Prepare
      const sts = sim.clientFactory({ maxAttempts: 1 }).get(STSClient, scope);
      sim.setFaults([{ api: '*', kind: 'timeout', rate: 1, latencyMs: [5, 5] }]);

      // Act
      const error = await sts.send(new GetCallerIdentityCommand({})).catch((e) => e);

      // Assess
      expect(error.name).toBe('TimeoutError');
      expect(sim.calls()).toEqual({ 'sts:GetCallerIdentity': 1 });
    });

    it('does not retry a client error (one attempt)', async () => {
      // Prepare
      const ec2 = sim.clientFactory().get(EC2Client, scope);

      // Act
      const error = await ec2
        .send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0ffffffffffffffff'] }))
        .catch((e) => e);

      // Assess
      expect(error).toBeInstanceOf(EC2ServiceException);
      expect(error.name).toBe('InvalidGroup.NotFound');
      expect(error.$fault).toBe('client');
      expect(error.$metadata.httpStatusCode).toBe(400);
      expect(sim.calls()).toEqual({ 'ec2:DescribeSecurityGroups': 1 });
    });

    it('adds injected latency and still succeeds', async () => {
      // Prepare
      const sts = sim.clientFactory().get(STSClient, scope);
      sim.setFaults([{ api: 'sts:GetCallerIdentity', kind: 'latency', rate: 1, latencyMs: [40, 40] }]);
      const started = Date.now();

      // Act
      const out = await sts.send(new GetCallerIdentityCommand({}));

      // Assess
      expect(out.Account).toBe(ACCOUNT);
      expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    });

    it('injects the same faults for the same seed', async () => {
      // Prepare
      const pattern = async () => {
        const s = await SimulatedCloud.create({ ...sampleSimState(), seed: 42 }, { dynamodb: false });
        s.setFaults([{ kind: 'server-error', rate: 0.5 }]);
        const sts = s.clientFactory({ maxAttempts: 1 }).get(STSClient, scope);
        const results: string[] = [];
        for (let i = 0; i < 12; i++) {
          results.push(
            await sts.send(new GetCallerIdentityCommand({})).then(
              () => 'ok',
              (e) => e.name,
            ),
          );
        }
        await s.close();
        return results;
      };

      // Act
      const [a, b] = [await pattern(), await pattern()];

      // Assess
      expect(a).toEqual(b);
      expect(a).toContain('ok');
      expect(a).toContain('InternalFailure');
    });

    it('raises the modeled exception classes the SDK exports', async () => {
      // Prepare
      const fresh = await SimulatedCloud.create(
        { ...sampleSimState(), settings: { eksUpdateDelayMs: 60_000 } },
        { dynamodb: false },
      );
      const eks = fresh.clientFactory().get(EKSClient, scope);
      const update = { name: 'platform', resourcesVpcConfig: { endpointPrivateAccess: true } };
      await eks.send(new UpdateClusterConfigCommand(update));

      // Act
      const error = await eks.send(new UpdateClusterConfigCommand(update)).catch((e) => e);
      await fresh.close();

      // Assess
      expect(error).toBeInstanceOf(ResourceInUseException);
      expect(error.name).toBe('ResourceInUseException');
      expect(error.$metadata.httpStatusCode).toBe(409);
    });
  });

  describe('DynamoDB (dynalite) behind the middleware', () => {
    it('counts DynamoDB calls and injects faults on them too', async () => {
      // Prepare
      const db = sim.clientFactory({ retryMode: 'standard' }).get(DynamoDBClient, scope);
      sim.setFaults([{ api: 'dynamodb:PutItem', kind: 'throttle', rate: 1, times: 1 }]);

      // Act
      const out = await db.send(
        new PutItemCommand({ TableName: 'airlock-state', Item: { id: { S: 'k1' }, n: { N: '1' } } }),
      );

      // Assess
      expect(out.$metadata.attempts).toBe(2);
      expect(sim.calls()).toEqual({ 'dynamodb:PutItem': 2 });
      expect(sim.writes()).toEqual({ 'dynamodb:PutItem': 2 });
    });

    it('raises the real ConditionalCheckFailedException', async () => {
      // Prepare
      const db = sim.clientFactory().get(DynamoDBClient, scope);
      const put = () =>
        db.send(
          new PutItemCommand({
            TableName: 'airlock-state',
            Item: { id: { S: 'cond' } },
            ConditionExpression: 'attribute_not_exists(id)',
          }),
        );
      await put();

      // Act
      const error = await put().catch((e) => e);

      // Assess
      expect(error).toBeInstanceOf(ConditionalCheckFailedException);
    });
  });

  describe('counting and the change log', () => {
    it('counts every call, writes separately, and logs each mutation', async () => {
      // Prepare
      const fresh = await SimulatedCloud.create(sampleSimState(), {
        dynamodb: false,
        now: () => 1_700_000_000_000,
      });
      const ec2 = fresh.clientFactory().get(EC2Client, scope);

      // Act
      await ec2.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [GROUP] }] }),
      );
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUP,
          SecurityGroupRuleIds: ['sgr-0000000000000a001'],
        }),
      );
      const failed = await ec2
        .send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: GROUP,
            SecurityGroupRuleIds: ['sgr-0000000000000a001'],
          }),
        )
        .catch((e) => e);
      await fresh.close();

      // Assess
      expect(failed.name).toBe('InvalidSecurityGroupRuleId.NotFound');
      expect(fresh.calls()).toEqual({
        'ec2:DescribeSecurityGroupRules': 1,
        'ec2:RevokeSecurityGroupIngress': 2,
      });
      expect(fresh.writes()).toEqual({ 'ec2:RevokeSecurityGroupIngress': 2 });
      expect(fresh.changes()).toEqual([
        {
          time: '2023-11-14T22:13:20.000Z',
          account: ACCOUNT,
          region: REGION,
          api: 'ec2:RevokeSecurityGroupIngress',
          resourceId: GROUP,
          requestParameters: { GroupId: GROUP, SecurityGroupRuleIds: ['sgr-0000000000000a001'] },
        },
      ]);
    });

    it('keeps accounts apart: a client of another account sees its own resources', async () => {
      // Prepare
      const state = sampleSimState();
      const empty = parseSimState({ accounts: { '444455556666': { regions: { [REGION]: {} } } } });
      state.accounts['444455556666'] = empty.accounts['444455556666']!;
      const fresh = await SimulatedCloud.create(state, { dynamodb: false });
      const other = fresh.clientFactory().get(EC2Client, { account: '444455556666', region: REGION });

      // Act
      const error = await other
        .send(new DescribeSecurityGroupsCommand({ GroupIds: [GROUP] }))
        .catch((e) => e);
      await fresh.close();

      // Assess
      expect(error.name).toBe('InvalidGroup.NotFound');
    });
  });

  describe('state', () => {
    it('saves and loads back the whole state, DynamoDB items included', async () => {
      // Prepare
      const file = join(dir, 'state.json');
      const ec2 = sim.clientFactory().get(EC2Client, scope);
      const db = sim.clientFactory().get(DynamoDBClient, scope);
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: GROUP,
          SecurityGroupRuleIds: ['sgr-0000000000000a001'],
        }),
      );
      await db.send(
        new PutItemCommand({
          TableName: 'airlock-state',
          Item: {
            id: { S: 'saved' },
            bytes: { B: new Uint8Array([1, 2, 3]) },
            m: { M: { a: { L: [{ N: '1' }] } } },
          },
        }),
      );

      // Act
      await sim.save(file);
      const loaded = await SimulatedCloud.create(file);
      const item = await loaded
        .clientFactory()
        .get(DynamoDBClient, scope)
        .send(new GetItemCommand({ TableName: 'airlock-state', Key: { id: { S: 'saved' } } }));
      const rules = await loaded
        .clientFactory()
        .get(EC2Client, scope)
        .send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [GROUP] }] }));
      const reloaded = await loaded.snapshot();
      await loaded.close();

      // Assess
      expect(Buffer.from(item.Item?.bytes?.B ?? []).toJSON().data).toEqual([1, 2, 3]);
      expect(item.Item?.m).toEqual({ M: { a: { L: [{ N: '1' }] } } });
      expect(rules.SecurityGroupRules?.map((r) => r.SecurityGroupRuleId)).not.toContain(
        'sgr-0000000000000a001',
      );
      expect(reloaded).toEqual(JSON.parse(readFileSync(file, 'utf8')));
      expect(
        reloaded.accounts[ACCOUNT]?.regions[REGION]?.dynamodbTables['airlock-state']?.items,
      ).toContainEqual({
        id: { S: 'saved' },
        bytes: { B: 'AQID' },
        m: { M: { a: { L: [{ N: '1' }] } } },
      });
    });

    it('returns a deep copy that callers cannot use to change the simulator', async () => {
      // Prepare
      const copy: SimState = sim.state();

      // Act
      copy.accounts[ACCOUNT]!.regions[REGION]!.securityGroups = [];

      // Assess
      expect(sim.state().accounts[ACCOUNT]?.regions[REGION]?.securityGroups).toHaveLength(1);
      expect(() => JSON.stringify(sim.state())).not.toThrow();
    });

    it('names the path of a bad field when a state is invalid', async () => {
      // Prepare
      const bad = sampleSimState() as unknown as {
        accounts: Record<string, { regions: Record<string, { securityGroups: { GroupId: string }[] }> }>;
      };
      bad.accounts[ACCOUNT]!.regions[REGION]!.securityGroups[0]!.GroupId = 'group-1';

      // Act
      const error = await SimulatedCloud.create(bad as unknown as SimState, { dynamodb: false }).catch(
        (e) => e,
      );

      // Assess
      expect(error).toBeInstanceOf(SimStateError);
      expect(error.message).toContain(
        `accounts.${ACCOUNT}.regions.${REGION}.securityGroups.0.GroupId: expected sg-`,
      );
    });

    it('loads the example state of the README', async () => {
      // Prepare
      const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
      const example = /## The state file[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];

      // Act
      const loaded = await SimulatedCloud.create(JSON.parse(example ?? 'null'));
      const snapshot = await loaded.snapshot();
      await loaded.close();

      // Assess
      const region = snapshot.accounts[ACCOUNT]?.regions[REGION];
      expect(region?.securityGroups).toHaveLength(2);
      expect(region?.securityGroups[1]?.Rules).toHaveLength(1);
      expect(region?.dynamodbTables['airlock-idempotency']?.items).toEqual([
        { id: { S: 'breaker#x' }, c: { N: '1' } },
      ]);
      expect(snapshot.accounts[ACCOUNT]?.buckets['airlock-audit']?.objects[0]?.ChecksumSHA256).toBe(
        'RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o=',
      );
    });

    it('rejects faults it cannot apply, naming the field', () => {
      // Act
      const act = () => sim.setFaults([{ kind: 'throttle', rate: 2 }]);

      // Assess
      expect(act).toThrow(/faults\.0\.rate/);
    });
  });
});

import {
  GetParameterCommand,
  GetParametersCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { ACCOUNT, errorOf, REGION, scope, simWith } from '../../../test/helpers/simulated-services.js';

describe('Function: simulated SSM and STS', () => {
  it('reads, writes and versions parameters, and raises ParameterNotFound', async () => {
    // Prepare
    const { sim, factory } = await simWith({
      ssmParameters: [{ Name: '/airlock/settings', Value: '{"mode":"dry-run"}' }],
    });
    const ssm = factory.get(SSMClient, scope);

    // Act
    const first = await ssm.send(new GetParameterCommand({ Name: '/airlock/settings' }));
    const refused = await errorOf(
      ssm.send(new PutParameterCommand({ Name: '/airlock/settings', Value: '{}' })),
    );
    const put = await ssm.send(
      new PutParameterCommand({ Name: '/airlock/settings', Value: '{"mode":"enforce"}', Overwrite: true }),
    );
    const many = await ssm.send(
      new GetParametersCommand({ Names: ['/airlock/settings', '/airlock/missing'] }),
    );
    const missing = await errorOf(ssm.send(new GetParameterCommand({ Name: '/airlock/missing' })));
    await sim.close();

    // Assess
    expect(first.Parameter).toMatchObject({
      Name: '/airlock/settings',
      Value: '{"mode":"dry-run"}',
      Version: 1,
      Type: 'String',
    });
    expect(first.Parameter?.ARN).toBe(`arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/airlock/settings`);
    expect(refused?.name).toBe('ParameterAlreadyExists');
    expect(put.Version).toBe(2);
    expect(many.Parameters?.map((p) => p.Value)).toEqual(['{"mode":"enforce"}']);
    expect(many.InvalidParameters).toEqual(['/airlock/missing']);
    expect(missing).toBeInstanceOf(ParameterNotFound);
  });

  it('answers who the caller is and assumes only the roles the state lists', async () => {
    // Prepare
    const { sim, factory } = await simWith(
      {},
      { accounts: { '210987654321': { roles: [], regions: {} } } as never },
    );
    const sts = factory.get(STSClient, scope);

    // Act
    const me = await sts.send(new GetCallerIdentityCommand({}));
    const role = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/airlock-remediation`,
        RoleSessionName: 'airlock',
      }),
    );
    const denied = await errorOf(
      sts.send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::210987654321:role/admin',
          RoleSessionName: 'airlock',
        }),
      ),
    );
    await sim.close();

    // Assess
    expect(me.Account).toBe(ACCOUNT);
    expect(role.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/airlock-remediation/airlock`,
    );
    expect(role.Credentials?.Expiration).toBeInstanceOf(Date);
    expect(denied?.name).toBe('AccessDenied');
    expect(denied?.$metadata.httpStatusCode).toBe(403);
  });
});

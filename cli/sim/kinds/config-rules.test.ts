import {
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  NoSuchConfigRuleException,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { describe, expect, it } from 'vitest';
import { loadRealWorld } from '../../../test/helpers/fixtures.js';
import { errorOf, scope, simWith } from '../../../test/helpers/simulated-services.js';

describe('Function: simulated Config', () => {
  it('describes the rules it knows with their sources, and refuses a name it does not know', async () => {
    // Prepare
    const source = { Owner: 'AWS' as const, SourceIdentifier: 'INCOMING_SSH_DISABLED' };
    const { sim, factory } = await simWith({
      config: {
        rules: ['OrgConfigRule-restricted-ssh-a1b2c3d4', 'plain'],
        sources: { 'OrgConfigRule-restricted-ssh-a1b2c3d4': source },
      },
    });
    const config = factory.get(ConfigServiceClient, scope);

    // Act
    const one = await config.send(
      new DescribeConfigRulesCommand({ ConfigRuleNames: ['OrgConfigRule-restricted-ssh-a1b2c3d4'] }),
    );
    const all = await config.send(new DescribeConfigRulesCommand({}));
    const unknown = await errorOf(config.send(new DescribeConfigRulesCommand({ ConfigRuleNames: ['nope'] })));
    await sim.close();

    // Assess
    expect(one.ConfigRules?.map((r) => [r.ConfigRuleName, r.Source])).toEqual([
      ['OrgConfigRule-restricted-ssh-a1b2c3d4', source],
    ]);
    expect(all.ConfigRules?.map((r) => [r.ConfigRuleName, r.Source])).toEqual([
      ['OrgConfigRule-restricted-ssh-a1b2c3d4', source],
      ['plain', undefined],
    ]);
    expect(unknown).toBeInstanceOf(NoSuchConfigRuleException);
  });

  it('stores evaluations and reads them back per rule, latest per resource', async () => {
    // Prepare
    const { sim, factory } = await simWith({});
    const config = factory.get(ConfigServiceClient, scope);
    const evaluation = (type: 'COMPLIANT' | 'NON_COMPLIANT', at: string) => ({
      ComplianceResourceType: 'AWS::EC2::TransitGatewayRouteTable',
      ComplianceResourceId: 'tgw-rtb-0ca78a549EXAMPLE',
      ComplianceType: type,
      Annotation: 'pod CIDR route',
      OrderingTimestamp: new Date(at),
    });

    // Act
    await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'airlock-tgw-pod-cidr',
        Evaluations: [evaluation('NON_COMPLIANT', '2026-01-01T00:00:00Z')],
      }),
    );
    await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'airlock-tgw-pod-cidr',
        Evaluations: [evaluation('COMPLIANT', '2026-01-02T00:00:00Z')],
      }),
    );
    await config.send(
      new PutEvaluationsCommand({
        ResultToken: 'airlock-tgw-pod-cidr',
        TestMode: true,
        Evaluations: [evaluation('NON_COMPLIANT', '2026-01-03T00:00:00Z')],
      }),
    );
    const out = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'airlock-tgw-pod-cidr' }),
    );
    const unknown = await errorOf(
      config.send(new GetComplianceDetailsByConfigRuleCommand({ ConfigRuleName: 'nope' })),
    );
    await sim.close();

    // Assess
    expect(out.EvaluationResults).toHaveLength(1);
    expect(out.EvaluationResults?.[0]).toMatchObject({
      ComplianceType: 'COMPLIANT',
      Annotation: 'pod CIDR route',
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: 'airlock-tgw-pod-cidr',
          ResourceType: 'AWS::EC2::TransitGatewayRouteTable',
          ResourceId: 'tgw-rtb-0ca78a549EXAMPLE',
        },
        OrderingTimestamp: new Date('2026-01-02T00:00:00Z'),
      },
    });
    expect(unknown).toBeInstanceOf(NoSuchConfigRuleException);
  });

  it('returns the configuration history it was seeded with', async () => {
    // Prepare
    const item = loadRealWorld<Record<string, unknown>>(
      'events/configuration-items/rdk-example-ci__AWS_EC2_SecurityGroup.json',
    );
    const { sim, factory } = await simWith({ config: { configurationItems: [item] } });
    const config = factory.get(ConfigServiceClient, scope);

    // Act
    const out = await config.send(
      new GetResourceConfigHistoryCommand({
        resourceType: item.resourceType as never,
        resourceId: String(item.resourceId),
      }),
    );
    const missing = await errorOf(
      config.send(
        new GetResourceConfigHistoryCommand({
          resourceType: 'AWS::EC2::SecurityGroup',
          resourceId: 'sg-0000',
        }),
      ),
    );
    await sim.close();

    // Assess
    expect(out.configurationItems?.[0]?.configurationItemCaptureTime).toEqual(
      new Date(String(item.configurationItemCaptureTime)),
    );
    expect(out.configurationItems?.[0]?.resourceId).toBe(item.resourceId);
    expect(missing?.name).toBe('ResourceNotDiscoveredException');
  });
});

import { App, CfnResource, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Peer, Port, SecurityGroup, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { Layer, LayeredStack, makeUniqueId } from '../../infra/layer.js';

/** A function, a rule that invokes it and two security groups, each in `scope` (a layer or the stack). */
function addWorkload(fnScope: Construct, ruleScope: Construct, vpcScope: Construct): void {
  const vpc = Vpc.fromVpcAttributes(vpcScope, 'Vpc', {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    availabilityZones: ['eu-west-2a'],
    privateSubnetIds: ['subnet-0a1b2c3d4e5f60711'],
  });
  const functions = new SecurityGroup(vpcScope, 'Functions', {
    vpc,
    allowAllOutbound: false,
    description: 'f',
  });
  const endpoints = new SecurityGroup(vpcScope, 'Endpoints', {
    vpc,
    allowAllOutbound: false,
    description: 'e',
  });
  endpoints.addIngressRule(functions, Port.tcp(443), 'from the functions');
  functions.addEgressRule(Peer.securityGroupId(endpoints.securityGroupId), Port.tcp(443), 'to the endpoints');
  const fn = new LambdaFunction(fnScope, 'revoke-open-ssh', {
    code: Code.fromInline('export const handler = async () => 1;'),
    handler: 'index.handler',
    runtime: Runtime.NODEJS_22_X,
  });
  new Rule(ruleScope, 'revoke-open-ssh-Events', { schedule: Schedule.rate(Duration.minutes(5)) }).addTarget(
    new LambdaTarget(fn),
  );
}

describe('Function: makeUniqueId', () => {
  it('gives the logical id CDK gives the same path', () => {
    // Prepare
    const stack = new Stack(new App(), 'Airlock');
    const paths = [
      ['Key'],
      ['AuditTrail', 'Resource'],
      ['revoke-open-ssh', 'Role', 'Resource'],
      ['Default', 'Thing'],
      ['a', 'ab', 'b', 'Resource'],
      ['x'.repeat(300)],
    ];
    const resources = paths.map((path) => {
      let scope: Construct = stack;
      for (const id of path.slice(0, -1)) scope = new Construct(scope, id);
      return new CfnResource(scope, path.at(-1)!, { type: 'AWS::SQS::Queue' });
    });

    // Act
    const ours = paths.map((path) => makeUniqueId(path));
    const cdk = resources.map((r) => stack.resolve(r.logicalId));

    // Assess
    expect(ours).toEqual(cdk);
  });

  it('refuses an empty path', () => {
    expect(() => makeUniqueId(['Default'])).toThrow(/empty path/);
  });
});

describe('Function: LayeredStack', () => {
  it('synthesizes the same template with resources in layers as without', () => {
    // Prepare
    const flat = new Stack(new App(), 'Airlock');
    addWorkload(flat, flat, flat);
    const layered = new LayeredStack(new App(), 'Airlock');
    const remediation = new Layer(layered, 'revoke-open-ssh');
    addWorkload(new Layer(remediation, 'Function'), remediation, new Layer(layered, 'Network'));

    // Act
    const before = Template.fromStack(flat).toJSON();
    const after = Template.fromStack(layered).toJSON();

    // Assess
    expect(Object.keys(after.Resources).sort()).toEqual(Object.keys(before.Resources).sort());
    expect(after).toEqual(before);
    expect(Object.keys(before.Resources).some((id) => id.includes('AllowEventRule'))).toBe(true);
    expect(
      Object.values(before.Resources).some(
        (r) => (r as { Type: string }).Type === 'AWS::EC2::SecurityGroupIngress',
      ),
    ).toBe(true);
  });

  it('refuses two resources that the layers would give one logical id', () => {
    // Prepare
    const stack = new LayeredStack(new App(), 'Airlock');
    new CfnResource(new Layer(stack, 'One'), 'Queue', { type: 'AWS::SQS::Queue' });
    new CfnResource(new Layer(stack, 'Two'), 'Queue', { type: 'AWS::SQS::Queue' });

    // Act & Assess
    expect(() => Template.fromStack(stack)).toThrow(/Queue/);
  });
});

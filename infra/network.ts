import { Annotations } from 'aws-cdk-lib';
import {
  GatewayVpcEndpointAwsService,
  InterfaceVpcEndpointAwsService,
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { AirlockContext } from './context.js';
import { Layer } from './layer.js';

/** Interface endpoints the functions reach AWS through when the VPC has no route out. */
export const INTERFACE_ENDPOINTS = {
  ec2: InterfaceVpcEndpointAwsService.EC2,
  eks: InterfaceVpcEndpointAwsService.EKS,
  ssm: InterfaceVpcEndpointAwsService.SSM,
  sts: InterfaceVpcEndpointAwsService.STS,
  config: InterfaceVpcEndpointAwsService.CONFIG,
  logs: InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  sqs: InterfaceVpcEndpointAwsService.SQS,
  kms: InterfaceVpcEndpointAwsService.KMS,
  lambda: InterfaceVpcEndpointAwsService.LAMBDA,
} as const;

/**
 * Where the functions run: the platform's VPC (imported from context, no lookups), the functions'
 * security group (HTTPS out to the endpoints only) and, unless the platform has them, the VPC
 * endpoints.
 */
export class Network extends Layer {
  readonly vpc: IVpc;
  readonly securityGroup: SecurityGroup;

  constructor(scope: Construct, id: string, props: { readonly context: AirlockContext }) {
    super(scope, id);
    const c = props.context;
    this.vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: c.vpcId,
      vpcCidrBlock: c.vpcCidr,
      availabilityZones: [...c.availabilityZones],
      privateSubnetIds: [...c.privateSubnetIds],
      privateSubnetRouteTableIds: [...c.privateRouteTableIds],
    });
    this.securityGroup = new SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'airlock functions: HTTPS to the VPC endpoints only',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      Peer.ipv4(c.vpcCidr),
      Port.tcp(443),
      'HTTPS to the interface endpoints in the VPC',
    );
    // gateway endpoints route to the services' public ranges: the managed prefix lists name them
    if (c.s3PrefixListId) {
      this.securityGroup.addEgressRule(
        Peer.prefixList(c.s3PrefixListId),
        Port.tcp(443),
        'HTTPS to S3 through its gateway endpoint',
      );
    }
    if (c.dynamodbPrefixListId) {
      this.securityGroup.addEgressRule(
        Peer.prefixList(c.dynamodbPrefixListId),
        Port.tcp(443),
        'HTTPS to DynamoDB through its gateway endpoint',
      );
    }
    if (c.createVpcEndpoints) this.addEndpoints();
    if (c.createVpcEndpoints && (!c.s3PrefixListId || !c.dynamodbPrefixListId)) {
      Annotations.of(this).addWarningV2(
        'airlock:prefix-lists',
        'S3 and DynamoDB are reached through gateway endpoints: set the s3PrefixListId and dynamodbPrefixListId context keys so that the functions may send to them',
      );
    }
  }

  private addEndpoints(): void {
    const endpointGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'airlock interface endpoints: HTTPS from the airlock functions',
      allowAllOutbound: false,
    });
    endpointGroup.addIngressRule(this.securityGroup, Port.tcp(443), 'HTTPS from the airlock functions');
    for (const [name, service] of Object.entries(INTERFACE_ENDPOINTS)) {
      this.vpc.addInterfaceEndpoint(`Endpoint-${name}`, {
        service,
        privateDnsEnabled: true,
        securityGroups: [endpointGroup],
        subnets: { subnets: this.vpc.privateSubnets },
        open: false,
      });
    }
    this.vpc.addGatewayEndpoint('Endpoint-s3', {
      service: GatewayVpcEndpointAwsService.S3,
      subnets: [{ subnets: this.vpc.privateSubnets }],
    });
    this.vpc.addGatewayEndpoint('Endpoint-dynamodb', {
      service: GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: [{ subnets: this.vpc.privateSubnets }],
    });
  }
}

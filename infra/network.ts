import {
  type GatewayVpcEndpoint,
  GatewayVpcEndpointAwsService,
  type IGatewayVpcEndpointService,
  type IInterfaceVpcEndpointService,
  type InterfaceVpcEndpoint,
  InterfaceVpcEndpointAwsService,
  type IVpc,
  Peer,
  Port,
  SecurityGroup,
  Vpc,
} from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { AirlockContext } from './context.js';
import { ENDPOINT_SERVICES } from './context-endpoints.js';
import { type EndpointUser, endpointStatements } from './endpoint-policies.js';
import { Layer } from './layer.js';

/** The interface endpoints airlock can create, by service name. */
export const INTERFACE_ENDPOINTS: Readonly<
  Record<(typeof ENDPOINT_SERVICES.interface)[number], IInterfaceVpcEndpointService>
> = {
  ec2: InterfaceVpcEndpointAwsService.EC2,
  eks: InterfaceVpcEndpointAwsService.EKS,
  ssm: InterfaceVpcEndpointAwsService.SSM,
  sts: InterfaceVpcEndpointAwsService.STS,
  config: InterfaceVpcEndpointAwsService.CONFIG,
  sqs: InterfaceVpcEndpointAwsService.SQS,
  lambda: InterfaceVpcEndpointAwsService.LAMBDA,
  kms: InterfaceVpcEndpointAwsService.KMS,
  events: InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  securityhub: InterfaceVpcEndpointAwsService.SECURITYHUB,
};

const GATEWAY_ENDPOINTS: Readonly<
  Record<(typeof ENDPOINT_SERVICES.gateway)[number], IGatewayVpcEndpointService>
> = {
  s3: GatewayVpcEndpointAwsService.S3,
  dynamodb: GatewayVpcEndpointAwsService.DYNAMODB,
};

/**
 * Where the functions run: the platform's VPC (imported from context, no lookups), the functions'
 * security group, and the VPC endpoints airlock creates (those the platform has are reused). The
 * functions send HTTPS to the endpoints only: airlock's endpoint security group, the reused
 * endpoints' peers, and the S3 and DynamoDB prefix lists of the gateway endpoints.
 */
export class Network extends Layer {
  readonly vpc: IVpc;
  readonly securityGroup: SecurityGroup;
  /** The endpoints airlock created, by service: their policies admit airlock's calls only. */
  readonly endpoints = new Map<string, InterfaceVpcEndpoint | GatewayVpcEndpoint>();

  constructor(scope: Construct, id: string, props: { readonly context: AirlockContext }) {
    super(scope, id);
    const c = props.context;
    this.vpc = Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: c.vpcId,
      ...(c.vpcCidr ? { vpcCidrBlock: c.vpcCidr } : {}),
      availabilityZones: [...c.availabilityZones],
      privateSubnetIds: [...c.privateSubnetIds],
      ...(c.privateRouteTableIds.length ? { privateSubnetRouteTableIds: [...c.privateRouteTableIds] } : {}),
    });
    this.securityGroup = new SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'airlock functions: HTTPS to the VPC endpoints only',
      allowAllOutbound: false,
    });
    const https = Port.tcp(443);
    // gateway endpoints route to the services' public ranges: the managed prefix lists name them
    this.securityGroup.addEgressRule(
      Peer.prefixList(c.s3PrefixListId),
      https,
      'HTTPS to S3 through its gateway endpoint',
    );
    this.securityGroup.addEgressRule(
      Peer.prefixList(c.dynamodbPrefixListId),
      https,
      'HTTPS to DynamoDB through its gateway endpoint',
    );
    for (const peer of c.endpoints.existingPeers) {
      this.securityGroup.addEgressRule(
        peer.startsWith('sg-') ? Peer.securityGroupId(peer) : Peer.ipv4(peer),
        https,
        'HTTPS to the VPC endpoints the platform has',
      );
    }
  }

  /**
   * The endpoints airlock creates: of the services in `create` (those the platform does not have),
   * each one a function calls, its policy limited to what airlock's functions do through it (their
   * roles, their actions of that service, on their resources). Call once every function exists.
   */
  addEndpoints(users: readonly EndpointUser[], c: AirlockContext): void {
    const policies = new Map(c.endpoints.create.map((s) => [s, endpointStatements(s, users)] as const));
    const needed = (s: string) => (policies.get(s)?.length ?? 0) > 0;
    const interfaces = ENDPOINT_SERVICES.interface.filter(needed);
    if (interfaces.length) this.addInterfaceEndpoints(interfaces);
    for (const name of ENDPOINT_SERVICES.gateway.filter(needed)) {
      this.endpoints.set(
        name,
        this.vpc.addGatewayEndpoint(`Endpoint-${name}`, {
          service: GATEWAY_ENDPOINTS[name],
          subnets: [{ subnets: this.vpc.privateSubnets }],
        }),
      );
    }
    for (const [service, endpoint] of this.endpoints) {
      for (const statement of policies.get(service) ?? []) endpoint.addToPolicy(statement);
    }
    this.keepEgressClosed();
  }

  /**
   * EC2 gives a group created without inline egress rules its default allow-all egress; the rules
   * above are separate resources (prefix lists, security groups), so CDK's rule that matches no
   * traffic stays inline. Added last: each addEgressRule takes it out again.
   */
  private keepEgressClosed(): void {
    this.securityGroup.addEgressRule(
      Peer.ipv4('255.255.255.255/32'),
      Port.icmpTypeAndCode(252, 86),
      'Disallow all traffic',
    );
  }

  private addInterfaceEndpoints(services: readonly (keyof typeof INTERFACE_ENDPOINTS)[]): void {
    const endpointGroup = new SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'airlock interface endpoints: HTTPS from the airlock functions',
      allowAllOutbound: false,
    });
    endpointGroup.addIngressRule(this.securityGroup, Port.tcp(443), 'HTTPS from the airlock functions');
    this.securityGroup.addEgressRule(
      endpointGroup,
      Port.tcp(443),
      'HTTPS to the interface endpoints airlock created',
    );
    for (const name of services) {
      this.endpoints.set(
        name,
        this.vpc.addInterfaceEndpoint(`Endpoint-${name}`, {
          service: INTERFACE_ENDPOINTS[name],
          privateDnsEnabled: true,
          securityGroups: [endpointGroup],
          subnets: { subnets: this.vpc.privateSubnets },
          open: false,
        }),
      );
    }
  }
}

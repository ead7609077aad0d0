import type { SimState } from './state.js';

/**
 * A small sample account (what `airlock sim init` writes): one account, one region, and one
 * violation of each kind airlock remediates, next to resources that must stay untouched.
 */
export function sampleSimState(): SimState {
  const account = '111122223333';
  const region = 'eu-west-2';
  return {
    version: 1,
    seed: 1,
    sequence: 0,
    faults: [],
    settings: { eksUpdateDelayMs: 0 },
    accounts: {
      [account]: {
        roles: ['airlock-remediation'],
        buckets: {
          'airlock-sample-public-bucket': {
            region,
            publicAccessBlock: {
              BlockPublicAcls: false,
              IgnorePublicAcls: false,
              BlockPublicPolicy: false,
              RestrictPublicBuckets: false,
            },
            objects: [],
          },
          'airlock-sample-audit': {
            region,
            publicAccessBlock: {
              BlockPublicAcls: true,
              IgnorePublicAcls: true,
              BlockPublicPolicy: true,
              RestrictPublicBuckets: true,
            },
            objectLock: {
              ObjectLockEnabled: 'Enabled',
              Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
            },
            objects: [],
          },
        },
        regions: {
          [region]: {
            securityGroups: [
              {
                GroupId: 'sg-0a1b2c3d4e5f60718',
                GroupName: 'bastion',
                Description: 'bastion hosts',
                VpcId: 'vpc-0123456789abcdef0',
                OwnerId: account,
                Tags: [{ Key: 'Name', Value: 'bastion' }],
                Rules: [
                  {
                    SecurityGroupRuleId: 'sgr-0000000000000a001',
                    GroupId: 'sg-0a1b2c3d4e5f60718',
                    GroupOwnerId: account,
                    IsEgress: false,
                    IpProtocol: 'tcp',
                    FromPort: 22,
                    ToPort: 22,
                    CidrIpv4: '0.0.0.0/0',
                    Description: 'ssh from anywhere (the violation)',
                    Tags: [],
                  },
                  {
                    SecurityGroupRuleId: 'sgr-0000000000000a002',
                    GroupId: 'sg-0a1b2c3d4e5f60718',
                    GroupOwnerId: account,
                    IsEgress: false,
                    IpProtocol: 'tcp',
                    FromPort: 22,
                    ToPort: 22,
                    CidrIpv4: '10.0.0.0/8',
                    Description: 'ssh from the corporate network',
                    Tags: [],
                  },
                  {
                    SecurityGroupRuleId: 'sgr-0000000000000a003',
                    GroupId: 'sg-0a1b2c3d4e5f60718',
                    GroupOwnerId: account,
                    IsEgress: true,
                    IpProtocol: '-1',
                    FromPort: -1,
                    ToPort: -1,
                    CidrIpv4: '0.0.0.0/0',
                    Tags: [],
                  },
                ],
              },
            ],
            prefixLists: [
              {
                PrefixListId: 'pl-0123456abcabcabc1',
                PrefixListName: 'corporate',
                AddressFamily: 'IPv4',
                MaxEntries: 10,
                Entries: [{ Cidr: '10.0.0.0/8', Description: 'corporate' }],
              },
            ],
            routeTables: [
              {
                RouteTableId: 'rtb-0abcdef0123456789',
                VpcId: 'vpc-0123456789abcdef0',
                OwnerId: account,
                Associations: [
                  {
                    RouteTableAssociationId: 'rtbassoc-0000000000000001',
                    RouteTableId: 'rtb-0abcdef0123456789',
                    SubnetId: 'subnet-0private00000001',
                    Main: false,
                  },
                ],
                Routes: [
                  {
                    DestinationCidrBlock: '10.0.0.0/16',
                    GatewayId: 'local',
                    Origin: 'CreateRouteTable',
                    State: 'active',
                  },
                  {
                    DestinationCidrBlock: '0.0.0.0/0',
                    NatGatewayId: 'nat-0123456789abcdef0',
                    Origin: 'CreateRoute',
                    State: 'active',
                  },
                ],
                Tags: [{ Key: 'tier', Value: 'private' }],
              },
            ],
            transitGatewayRouteTables: [
              {
                TransitGatewayRouteTableId: 'tgw-rtb-0123456789abcdef0',
                TransitGatewayId: 'tgw-0123456789abcdef0',
                State: 'available',
                DefaultAssociationRouteTable: true,
                DefaultPropagationRouteTable: true,
                Tags: [],
                Routes: [
                  {
                    DestinationCidrBlock: '100.64.0.0/16',
                    TransitGatewayAttachments: [
                      {
                        ResourceId: 'vpc-0123456789abcdef0',
                        TransitGatewayAttachmentId: 'tgw-attach-0123456789abcdef0',
                        ResourceType: 'vpc',
                      },
                    ],
                    Type: 'propagated',
                    State: 'active',
                  },
                  {
                    DestinationCidrBlock: '10.0.0.0/16',
                    TransitGatewayAttachments: [
                      {
                        ResourceId: 'vpc-0123456789abcdef0',
                        TransitGatewayAttachmentId: 'tgw-attach-0123456789abcdef0',
                        ResourceType: 'vpc',
                      },
                    ],
                    Type: 'propagated',
                    State: 'active',
                  },
                ],
              },
            ],
            transitGatewayAttachments: [
              {
                TransitGatewayAttachmentId: 'tgw-attach-0123456789abcdef0',
                ResourceId: 'vpc-0123456789abcdef0',
                ResourceType: 'vpc',
              },
            ],
            eksClusters: [
              {
                name: 'platform',
                arn: `arn:aws:eks:${region}:${account}:cluster/platform`,
                status: 'ACTIVE',
                version: '1.31',
                resourcesVpcConfig: {
                  vpcId: 'vpc-0123456789abcdef0',
                  subnetIds: ['subnet-0private00000001'],
                  endpointPublicAccess: true,
                  endpointPrivateAccess: false,
                  publicAccessCidrs: ['0.0.0.0/0'],
                },
                updates: [],
              },
            ],
            ssmParameters: [],
            config: { rules: ['restricted-ssh'], evaluations: [], configurationItems: [] },
            dynamodbTables: { 'airlock-state': { items: [] } },
          },
        },
      },
    },
  };
}

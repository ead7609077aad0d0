import { defineCloudTrailTrigger, idsAt } from '../../shared/cloudtrail.js';
import { subnetKind } from './resource-kind.js';

/**
 * The calls that can make a subnet assign public addresses on launch, as CloudTrail records them (EC2
 * query API):
 *
 * - `ModifySubnetAttribute`: turns `MapPublicIpOnLaunch`, `AssignIpv6AddressOnCreation` or
 *   `MapCustomerOwnedIpOnLaunch` on (`requestParameters.subnetId`);
 * - `CreateDefaultSubnet`: a default subnet maps public IPv4 addresses on launch from the start (the
 *   new subnet is named in `responseElements.subnet.subnetId`).
 *
 * Not listed: `CreateSubnet`, which takes no launch-addressing parameter (an IPv6-only subnet assigns
 * IPv6 from the start, but that is left on by design: see the README); `CreateDefaultVpc`, whose
 * response names the VPC, not its subnets; Config's evaluation covers it.
 *
 * @example
 * ```ts
 * export const disableSubnetPublicIp = defineRemediation({ ..., cloudTrail: disableSubnetPublicIpCloudTrail });
 * ```
 */
export const disableSubnetPublicIpCloudTrail = defineCloudTrailTrigger({
  resourceType: subnetKind.type,
  eventSource: 'ec2.amazonaws.com',
  eventNames: ['ModifySubnetAttribute', 'CreateDefaultSubnet'],
  resourceIds: (detail) => [
    ...idsAt(detail.requestParameters, [['subnetId']]),
    ...idsAt(detail.responseElements, [['subnet', 'subnetId']]),
  ],
});

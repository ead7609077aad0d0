import { defineResourceKind } from '../../shared/resource-kind.js';

/** VPC subnets, by id: `subnet-` and 8 or 17 lowercase hex digits. */
export const subnetKind = defineResourceKind({
  type: 'AWS::EC2::Subnet',
  pattern: '^subnet-([0-9a-f]{8}|[0-9a-f]{17})$',
  words: 'a subnet id (subnet- and 8 or 17 hex digits)',
  example: 'subnet-0123456789abcdef0',
});

import { defineResourceKind } from '../../shared/resource-kind.js';

/** Transit gateway route tables, by id: `tgw-rtb-` and 8 or 17 lowercase hex digits. */
export const transitGatewayRouteTableKind = defineResourceKind({
  type: 'AWS::EC2::TransitGatewayRouteTable',
  pattern: '^tgw-rtb-([0-9a-f]{8}|[0-9a-f]{17})$',
  words: 'a transit gateway route table id (tgw-rtb- and 8 or 17 hex digits)',
  example: 'tgw-rtb-0123456789abcdef0',
});

import { defineResourceKind } from '../../shared/resource-kind.js';

/** VPC route tables, by id: `rtb-` and 8 or 17 lowercase hex digits. */
export const routeTableKind = defineResourceKind({
  type: 'AWS::EC2::RouteTable',
  pattern: '^rtb-([0-9a-f]{8}|[0-9a-f]{17})$',
  words: 'a route table id (rtb- and 8 or 17 hex digits)',
  example: 'rtb-0123456789abcdef0',
});

import { defineResourceKind } from '../../shared/resource-kind.js';

/** Security groups, by id: `sg-` and 8 or 17 lowercase hex digits. */
export const securityGroupKind = defineResourceKind({
  type: 'AWS::EC2::SecurityGroup',
  pattern: '^sg-([0-9a-f]{8}|[0-9a-f]{17})$',
  words: 'a security group id (sg- and 8 or 17 hex digits)',
  example: 'sg-0123456789abcdef0',
});

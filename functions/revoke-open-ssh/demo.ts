// The demo's case (`airlock demo`): a bastion group open to the world on SSH, a vendor group that
// sidesteps "open to the world" by leaving out 10.0.0.0/8, and their look-alikes.
import { DEMO_ACCOUNT, DEMO_VPC, type DemoCase, type ScaledCase, scaledHex } from '../../cli/demo/case.js';
import { type SimRegion, securityGroup } from '../../cli/sim/index.js';

const BASTION = 'sg-0a0a0a0a0a0a0a001';
const EDGE = 'sg-0a0a0a0a0a0a0a002';
const VENDOR = 'sg-0a0a0a0a0a0a0a004';
/** Every public IPv4 address, written as eight CIDRs that skip 10.0.0.0/8: INCOMING_SSH_DISABLED passes it. */
export const ALL_BUT_TEN: readonly string[] = [
  '0.0.0.0/5',
  '8.0.0.0/7',
  '11.0.0.0/8',
  '12.0.0.0/6',
  '16.0.0.0/4',
  '32.0.0.0/3',
  '64.0.0.0/2',
  '128.0.0.0/1',
];

const group = (r: SimRegion, id: string) => r.securityGroups.find((g) => g.GroupId === id);
const rule = (r: SimRegion, groupId: string, ruleId: string) =>
  group(r, groupId)?.Rules.find((x) => x.SecurityGroupRuleId === ruleId);

/** The id of rule `n` of a scaled group (`sgr-` + the group's hex + `n`). */
const scaledRule = (groupId: string, n: number) =>
  `sgr-${groupId.slice(3, 18)}${n.toString(16).padStart(2, '0')}`;

// at scale: a bastion open to the world beside private SSH, HTTPS and port 2222; its look-alike without the open rule
const scaled: ScaledCase = {
  resourceId: (i, violation) => `sg-${scaledHex(i, violation)}`,
  resource: (id, violation) =>
    securityGroup({
      id,
      name: `bastion-${id}`,
      vpc: DEMO_VPC,
      rules: [
        ...(violation
          ? [{ id: scaledRule(id, 1), ports: 22, cidr: '0.0.0.0/0', description: 'temporary debug access' }]
          : []),
        { id: scaledRule(id, 2), ports: 22, cidr: '10.0.0.0/8', description: 'corporate network' },
        { id: scaledRule(id, 3), ports: 443, cidr: '0.0.0.0/0' },
        { id: scaledRule(id, 4), ports: 2222, cidr: '0.0.0.0/0' },
        { id: scaledRule(id, 5), egress: true, protocol: '-1', cidr: '0.0.0.0/0' },
      ],
    }),
  untouched: (r, _s, id) => group(r, id)?.Rules.filter((x) => x.SecurityGroupRuleId !== scaledRule(id, 1)),
};

export const demo: DemoCase = {
  scaled,
  violations: [
    { resourceId: BASTION, what: 'security group "bastion" lets 0.0.0.0/0 reach tcp 22' },
    {
      resourceId: VENDOR,
      what: 'security group "vendor-support": eight CIDRs skipping 10.0.0.0/8 cover every public address on tcp 22',
      rule: 'airlock-ssh-closed-to-internet',
    },
  ],
  lookAlikes: [
    {
      what: 'SSH from 10.0.0.0/8 in the same group',
      select: (r) => rule(r, BASTION, 'sgr-0a0a0a0a0a0a0a012'),
    },
    {
      what: 'HTTPS open to the world in the same group',
      select: (r) => rule(r, BASTION, 'sgr-0a0a0a0a0a0a0a013'),
    },
    {
      what: 'SSH from 10.0.0.0/8 beside the eight-CIDR sidestep',
      select: (r) => rule(r, VENDOR, 'sgr-0a0a0a0a0a0a0a049'),
    },
    {
      what: 'group "edge": port 2222 and udp 22 open, SSH from another group',
      select: (r) => group(r, EDGE),
    },
  ],
  resources: () => [
    securityGroup({
      id: BASTION,
      name: 'bastion',
      vpc: DEMO_VPC,
      rules: [
        { id: 'sgr-0a0a0a0a0a0a0a011', ports: 22, cidr: '0.0.0.0/0', description: 'temporary debug access' },
        { id: 'sgr-0a0a0a0a0a0a0a012', ports: 22, cidr: '10.0.0.0/8', description: 'corporate network' },
        { id: 'sgr-0a0a0a0a0a0a0a013', ports: 443, cidr: '0.0.0.0/0' },
        { id: 'sgr-0a0a0a0a0a0a0a014', egress: true, protocol: '-1', cidr: '0.0.0.0/0' },
      ],
    }),
    securityGroup({
      id: VENDOR,
      name: 'vendor-support',
      vpc: DEMO_VPC,
      rules: [
        ...ALL_BUT_TEN.map((cidr, i) => ({ id: `sgr-0a0a0a0a0a0a0a04${i}`, ports: 22, cidr })),
        { id: 'sgr-0a0a0a0a0a0a0a049', ports: 22, cidr: '10.0.0.0/8', description: 'corporate network' },
      ],
    }),
    securityGroup({
      id: EDGE,
      name: 'edge',
      vpc: DEMO_VPC,
      rules: [
        { id: 'sgr-0a0a0a0a0a0a0a021', ports: 2222, cidr: '0.0.0.0/0' },
        { id: 'sgr-0a0a0a0a0a0a0a022', protocol: 'udp', ports: 22, cidr: '0.0.0.0/0' },
        { id: 'sgr-0a0a0a0a0a0a0a023', ports: 22, group: { GroupId: BASTION, UserId: DEMO_ACCOUNT } },
      ],
    }),
  ],
};

import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { revokeOpenSsh } from '../../functions/revoke-open-ssh/index.js';
import { stripInternetRoutes } from '../../functions/strip-internet-routes/index.js';
import type { ClientFactory, ClientScope } from '../clients.js';
import type { ParsedEvent } from '../event.js';
import type { AnyRemediation } from '../remediation.js';
import { parseSettings } from '../settings.js';
import { confirmRuleStage, RULE_SOURCE_TTL_MS } from './confirm-rule.js';
import { createJob } from './job.js';
import { isVerdict } from './verdict.js';

const MEMBER = '444455556666';
const HOME = '111122223333';
const EVALUATOR = `arn:aws:lambda:eu-central-1:${HOME}:function:airlock-evaluate-route-tables`;

type Source = { Owner: string; SourceIdentifier: string };

/**
 * Config in each account and region as a map of rule name to source; every DescribeConfigRules call
 * is counted with where it was sent. An Error as a source makes the call fail with it.
 */
function configService(rules: Record<string, Source | Error>) {
  const calls: { scope: ClientScope; names: string[] }[] = [];
  const clients: ClientFactory = {
    get: ((_ctor: unknown, scope: ClientScope) => ({
      send: async (command: { input: { ConfigRuleNames: string[] } }) => {
        calls.push({ scope, names: command.input.ConfigRuleNames });
        const name = command.input.ConfigRuleNames[0] ?? '';
        const source = rules[name];
        if (source instanceof Error) throw source;
        if (!source) {
          throw Object.assign(new Error(`The ConfigRule '${name}' provided in the request is invalid.`), {
            name: 'NoSuchConfigRuleException',
          });
        }
        return { ConfigRules: [{ ConfigRuleName: name, Source: source }] };
      },
    })) as unknown as ClientFactory['get'],
    destroy: () => undefined,
  };
  return { clients, calls };
}

const event = (rule: string, fields: Partial<ParsedEvent> = {}): ParsedEvent => ({
  eventId: 'e-1',
  source: 'aws.config',
  detailType: 'Config Rules Compliance Change',
  time: '2026-11-20T10:00:05Z',
  account: MEMBER,
  region: 'eu-central-1',
  rule,
  resourceType: revokeOpenSsh.resourceType,
  resourceId: revokeOpenSsh.resourceKind.example,
  complianceType: 'NON_COMPLIANT',
  evaluationTime: '2026-11-20T10:00:00.000Z',
  trigger: 'config',
  ...fields,
});

function run(
  remediation: AnyRemediation,
  parsed: ParsedEvent,
  clients: ClientFactory,
  now = Date.parse('2026-11-20T10:00:10Z'),
) {
  const settings = parseSettings({ homeAccount: HOME });
  const job = createJob(remediation, parsed, settings, 'enforce', {
    clients,
    logger: new Logger({ logLevel: 'SILENT' }),
    now: () => now,
  });
  return confirmRuleStage(job, clients);
}

describe('Function: confirmRuleStage', () => {
  it('reads nothing for a name the deployment declares', async () => {
    // Prepare
    const { clients, calls } = configService({});

    // Act
    const declared = await run(revokeOpenSsh, event('restricted-ssh'), clients);

    // Assess
    expect(isVerdict(declared)).toBe(false);
    expect(calls).toEqual([]);
  });

  it.each([
    ['organization', 'OrgConfigRule-restricted-ssh-a1b2c3d4'],
    ['conformance-pack', 'restricted-ssh-conformance-pack-qayjyopmd'],
    ['security-hub', 'securityhub-restricted-ssh-l6dseq'],
  ])('confirms the %s form by its source, read in the event account and region', async (origin, rule) => {
    // Prepare
    const { clients, calls } = configService({
      [rule]: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
    });

    // Act
    const confirmed = await run(revokeOpenSsh, event(rule), clients);

    // Assess
    expect(confirmed).toEqual({
      notes: [
        `Config rule ${rule} is the ${origin} form of restricted-ssh, confirmed by its source (AWS INCOMING_SSH_DISABLED)`,
      ],
    });
    expect(calls).toEqual([{ scope: { account: MEMBER, region: 'eu-central-1' }, names: [rule] }]);
  });

  it('rejects a look-alike that passes the prefix but has another source, naming the source', async () => {
    // Prepare
    const rule = 'OrgConfigRule-restricted-ssh-v2-custom-a1b2c3d4';
    const { clients } = configService({
      [rule]: {
        Owner: 'CUSTOM_LAMBDA',
        SourceIdentifier: `arn:aws:lambda:eu-central-1:${MEMBER}:function:team-ssh`,
      },
    });

    // Act
    const verdict = await run(revokeOpenSsh, event(rule), clients);

    // Assess
    expect(verdict).toMatchObject({ outcome: 'REJECTED', steps: [] });
    expect(isVerdict(verdict) && verdict.reason).toContain(
      `looks like the organization form of restricted-ssh, but its source is CUSTOM_LAMBDA arn:aws:lambda:eu-central-1:${MEMBER}:function:team-ssh, not INCOMING_SSH_DISABLED`,
    );
  });

  it('rejects a rule that does not exist in the account and region', async () => {
    // Prepare
    const { clients } = configService({});

    // Act
    const verdict = await run(revokeOpenSsh, event('OrgConfigRule-restricted-ssh-deadbeef'), clients);

    // Assess
    expect(verdict).toMatchObject({ outcome: 'REJECTED' });
    expect(isVerdict(verdict) && verdict.reason).toContain(`does not exist in ${MEMBER}/eu-central-1`);
  });

  it('fails (to be retried) when the rule cannot be read', async () => {
    // Prepare
    const rule = 'OrgConfigRule-restricted-ssh-a1b2c3d4';
    const { clients } = configService({
      [rule]: Object.assign(new Error('denied'), { name: 'AccessDeniedException' }),
    });

    // Act
    const verdict = await run(revokeOpenSsh, event(rule), clients);

    // Assess
    expect(verdict).toMatchObject({ outcome: 'FAILED' });
    expect(isVerdict(verdict) && verdict.reason).toContain(
      `could not read Config rule ${rule} in ${MEMBER}/eu-central-1`,
    );
  });

  it('confirms an organization custom rule evaluated by the central evaluator', async () => {
    // Prepare
    const rule = 'OrgConfigRule-airlock-private-route-tables-no-internet-route-a1b2c3d4';
    const { clients } = configService({ [rule]: { Owner: 'CUSTOM_LAMBDA', SourceIdentifier: EVALUATOR } });
    const parsed = event(rule, {
      resourceType: stripInternetRoutes.resourceType,
      resourceId: stripInternetRoutes.resourceKind.example,
    });

    // Act
    const confirmed = await run(stripInternetRoutes, parsed, clients);

    // Assess
    expect(isVerdict(confirmed)).toBe(false);
  });

  it('reads a rule once per account, region and name until the time to live has passed', async () => {
    // Prepare
    const rule = 'OrgConfigRule-restricted-ssh-a1b2c3d4';
    const { clients, calls } = configService({
      [rule]: { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' },
    });
    const t0 = Date.parse('2026-11-20T10:00:10Z');

    // Act
    await run(revokeOpenSsh, event(rule), clients, t0);
    await run(revokeOpenSsh, event(rule), clients, t0 + 1000);
    await run(revokeOpenSsh, event(rule, { region: 'eu-west-2' }), clients, t0 + 1000);
    await run(revokeOpenSsh, event(rule), clients, t0 + RULE_SOURCE_TTL_MS + 1);

    // Assess
    expect(calls.map((c) => c.scope.region)).toEqual(['eu-central-1', 'eu-west-2', 'eu-central-1']);
  });
});

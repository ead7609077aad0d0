import { type Command, Option } from 'commander';
import { findRemediation, REMEDIATIONS } from '../../functions/registry.js';
import type { ComplianceType } from '../../shared/event.js';
import { ACCOUNT_ID, REGION, validateResourceId } from '../../shared/resource-id.js';
import { CliError } from '../errors.js';
import { sampleEvent } from '../events/sample.js';

const COMPLIANCE = ['NON_COMPLIANT', 'COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'] as const;

export function registerEvents(program: Command): void {
  const events = program
    .command('events')
    .description('Craft Config events for replays, without an AWS account.');
  events
    .command('sample')
    .description(
      'Print a "Config Rules Compliance Change" event exactly as AWS Config publishes it on EventBridge.',
    )
    .argument('<remediation>', `the remediation: ${REMEDIATIONS.map((r) => r.id).join(', ')}`)
    .requiredOption(
      '--resource-id <id>',
      `the resource's id (${REMEDIATIONS.map((r) => `${r.id}: ${r.resourceKind.example}`).join(', ')})`,
    )
    .option('--account <id>', 'the 12-digit account id of the event', '111122223333')
    .option('--region <region>', 'the region of the event', 'eu-west-2')
    .addOption(
      new Option('--compliance <type>', 'new compliance type').choices(COMPLIANCE).default('NON_COMPLIANT'),
    )
    .addOption(
      new Option('--previous <type>', 'previous compliance type (adds oldEvaluationResult)').choices(
        COMPLIANCE,
      ),
    )
    .option('--rule <name>', 'Config rule name (default: the remediation’s first rule name)')
    .addHelpText(
      'after',
      '\nExit codes: 0 printed, 2 bad input (unknown remediation, an id of the wrong kind, a bad account or region).\n\nExample:\n  airlock events sample revoke-open-ssh --resource-id sg-0123456789abcdef0 > event.json\n  airlock replay event.json --sim-state account.json',
    )
    .action(
      (
        id: string,
        o: {
          resourceId: string;
          account: string;
          region: string;
          compliance: ComplianceType;
          previous?: ComplianceType;
          rule?: string;
        },
      ) => {
        const remediation = findRemediation(id);
        if (!remediation)
          throw new CliError(
            `unknown remediation ${JSON.stringify(id)}: choose one of ${REMEDIATIONS.map((r) => r.id).join(', ')}`,
          );
        const problem = validateResourceId(remediation.resourceType, o.resourceId);
        if (problem) throw new CliError(`--resource-id ${JSON.stringify(o.resourceId)} ${problem}`);
        if (!ACCOUNT_ID.test(o.account))
          throw new CliError(`--account ${JSON.stringify(o.account)} must be a 12-digit account id`);
        if (!REGION.test(o.region))
          throw new CliError(`--region ${JSON.stringify(o.region)} is not a region name (e.g. eu-west-2)`);
        const event = sampleEvent(remediation, {
          resourceId: o.resourceId,
          account: o.account,
          region: o.region,
          compliance: o.compliance,
          ...(o.previous ? { previous: o.previous } : {}),
          ...(o.rule ? { rule: o.rule } : {}),
        });
        process.stdout.write(`${JSON.stringify(event, null, 2)}\n`);
      },
    );
}

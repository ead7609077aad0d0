import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import { defineKind, regionSlot, type SimInput } from '../kind.js';

/**
 * Security Hub findings imported with `BatchImportFindings`, kept by product ARN and id: importing
 * the same id again updates the finding (its workflow stays as first imported, as Security Hub keeps
 * it for the customer's own updates). Only the account's own default product is accepted, and only
 * findings about the calling account, as Security Hub requires without a partner integration.
 */

/** BatchImportFindings takes at most 100 findings per call. */
const MAX_FINDINGS = 100;
/** The ASFF fields a finding must have. */
const REQUIRED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'CreatedAt',
  'UpdatedAt',
  'Title',
  'Description',
  'Resources',
] as const;

const findingSchema = z
  .object({ Id: z.string().min(1), ProductArn: z.string().min(1), UpdatedAt: z.string() })
  .loose();

export type SimFinding = z.output<typeof findingSchema>;

const slot = regionSlot({ securityHubFindings: z.array(findingSchema).default(() => []) });

type Failure = { Id: string; ErrorCode: string; ErrorMessage: string };

function problemOf(ctx: SimCallContext, f: SimInput): Failure | undefined {
  const id = String(f.Id ?? '');
  const missing = REQUIRED.find((k) => f[k] === undefined || f[k] === '');
  if (
    missing ||
    !Array.isArray(f.Resources) ||
    f.Resources.length === 0 ||
    !(f.Severity || f.FindingProviderFields)
  ) {
    return {
      Id: id,
      ErrorCode: 'InvalidInput',
      ErrorMessage: `Finding is missing ${missing ?? 'Resources or Severity'}`,
    };
  }
  const product = `arn:aws:securityhub:${ctx.region}:${ctx.account}:product/${ctx.account}/default`;
  if (f.ProductArn !== product || f.AwsAccountId !== ctx.account) {
    return {
      Id: id,
      ErrorCode: 'InvalidAccess',
      ErrorMessage: `Account ${ctx.account} is not authorized to import findings for product ${f.ProductArn} in account ${f.AwsAccountId}`,
    };
  }
  return undefined;
}

function batchImportFindings(ctx: SimCallContext, input: SimInput) {
  const findings = (input.Findings ?? []) as SimInput[];
  if (findings.length === 0 || findings.length > MAX_FINDINGS) {
    throw new SimApiError('InvalidInputException', `Findings must hold 1 to ${MAX_FINDINGS} findings`);
  }
  const failed: Failure[] = [];
  for (const f of findings) {
    const problem = problemOf(ctx, f);
    if (problem) {
      failed.push(problem);
      continue;
    }
    const kept = slot.in(ctx, true).securityHubFindings;
    const plain = JSON.parse(JSON.stringify(f)) as SimFinding;
    const at = kept.findIndex((k) => k.Id === f.Id && k.ProductArn === f.ProductArn);
    if (at < 0) kept.push(plain);
    else kept[at] = { ...plain, ...(kept[at]!.Workflow ? { Workflow: kept[at]!.Workflow } : {}) };
  }
  return {
    FailedCount: failed.length,
    SuccessCount: findings.length - failed.length,
    FailedFindings: failed,
  };
}

/** The Security Hub findings kind. */
export const securityHubFindings = defineKind('Security Hub findings', slot, {
  apis: { securityhub: { BatchImportFindings: batchImportFindings } },
  resourceId: (_api, input) => String((input.Findings as SimInput[] | undefined)?.[0]?.Id ?? ''),
  summarize: (view) =>
    view.securityHubFindings.map((f) => {
      const status = (f.Compliance as { Status?: string } | undefined)?.Status ?? '-';
      const workflow = (f.Workflow as { Status?: string } | undefined)?.Status ?? '-';
      return { kind: 'finding', id: f.Id, detail: `compliance ${status}, workflow ${workflow}` };
    }),
});

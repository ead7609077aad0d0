import { Logger } from '@aws-lambda-powertools/logger';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { Context } from 'aws-lambda';
import { createClientFactory } from '../../shared/clients.js';
import { type ImportReport, importAuditFinding } from './import-findings.js';

const logger = new Logger({ serviceName: 'import-findings' });
let clients: ReturnType<typeof createClientFactory> | undefined;

/** A published audit record (the bus rule's event) -> its Security Hub finding. */
export const handler = async (event: unknown, context: Context): Promise<ImportReport> => {
  clients ??= createClientFactory();
  logger.addContext(context);
  const [, partition = 'aws', , region = process.env.AWS_REGION ?? '', account = ''] =
    context.invokedFunctionArn.split(':');
  const home = { account, region };
  const report = await importAuditFinding(event, {
    hub: clients.get(SecurityHubClient, { region }),
    home,
    partition,
  });
  logger.info('finding handled', { ...report });
  return report;
};

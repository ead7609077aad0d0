import { Logger } from '@aws-lambda-powertools/logger';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { createClientFactory } from '../../shared/clients.js';
import { sweepSettingsFromEnv } from './settings.js';
import { runSweep, type SweepReport } from './sweep.js';

const logger = new Logger({ serviceName: 'sweep' });
let ready:
  | { settings: ReturnType<typeof sweepSettingsFromEnv>; clients: ReturnType<typeof createClientFactory> }
  | undefined;

/** The scheduled sweep: re-drive the dead letters, re-check what is still NON_COMPLIANT (here and in member accounts). */
export const handler = async (_event: unknown, context: Context): Promise<SweepReport> => {
  ready ??= { settings: sweepSettingsFromEnv(), clients: createClientFactory() };
  logger.addContext(context);
  const region = process.env.AWS_REGION ?? '';
  const [, partition = '', , , account = ''] = context.invokedFunctionArn.split(':');
  const scope = { region };
  return runSweep(ready.settings, {
    sqs: ready.clients.get(SQSClient, scope),
    lambda: ready.clients.get(LambdaClient, scope),
    config: ready.clients.get(ConfigServiceClient, scope),
    logger,
    now: Date.now,
    self: context.functionName,
    partition,
    account,
    region,
  });
};

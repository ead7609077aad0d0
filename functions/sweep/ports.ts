import type { Logger } from '@aws-lambda-powertools/logger';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';

export type SqsPort = Pick<SQSClient, 'send'>;
export type LambdaPort = Pick<LambdaClient, 'send'>;
export type ConfigPort = Pick<ConfigServiceClient, 'send'>;

/** What one run may still spend (invocations, or pages read). */
export interface Budget {
  left: number;
}

export interface SweepPorts {
  readonly sqs: SqsPort;
  readonly lambda: LambdaPort;
  readonly config: ConfigPort;
  readonly logger: Logger;
  readonly now: () => number;
  /** The sweep's own function name: its failures are dropped (the next run sweeps again). */
  readonly self?: string;
  /** Where the sweep runs: only functions of this partition, account and region are airlock's. */
  readonly partition: string;
  readonly account: string;
  readonly region: string;
}

import * as ConfigService from '@aws-sdk/client-config-service';
import * as DynamoDB from '@aws-sdk/client-dynamodb';
import * as EC2 from '@aws-sdk/client-ec2';
import * as EKS from '@aws-sdk/client-eks';
import * as EventBridge from '@aws-sdk/client-eventbridge';
import * as KMS from '@aws-sdk/client-kms';
import * as S3 from '@aws-sdk/client-s3';
import * as SecurityHub from '@aws-sdk/client-securityhub';
import * as SSM from '@aws-sdk/client-ssm';
import * as STS from '@aws-sdk/client-sts';

/** A service error raised by the simulated services: code, message, HTTP status. */
export class SimApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SimApiError';
  }
}

type Module = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: SDK exception constructors take per-class option types
type ExceptionCtor = new (options: any) => Error;

const MODULES: Record<string, { module: Module; base: string }> = {
  ec2: { module: EC2 as Module, base: 'EC2ServiceException' },
  s3: { module: S3 as Module, base: 'S3ServiceException' },
  eks: { module: EKS as Module, base: 'EKSServiceException' },
  config: { module: ConfigService as Module, base: 'ConfigServiceServiceException' },
  ssm: { module: SSM as Module, base: 'SSMServiceException' },
  sts: { module: STS as Module, base: 'STSServiceException' },
  dynamodb: { module: DynamoDB as Module, base: 'DynamoDBServiceException' },
  kms: { module: KMS as Module, base: 'KMSServiceException' },
  events: { module: EventBridge as Module, base: 'EventBridgeServiceException' },
  securityhub: { module: SecurityHub as Module, base: 'SecurityHubServiceException' },
};

let requestCounter = 0;

/** A request id in AWS' format, deterministic within a process. */
export function nextRequestId(): string {
  requestCounter += 1;
  const hex = requestCounter.toString(16).padStart(12, '0');
  return `5ea1c0de-0000-4000-8000-${hex}`;
}

/**
 * Builds the error the real SDK would throw for a service error: the client's modeled exception
 * class when it exports one under that code (`ResourceInUseException`, `NoSuchBucket`,
 * `ParameterNotFound`…), else the service's base exception with `name` = the AWS error code.
 */
export function toSdkError(
  service: string,
  code: string,
  message: string,
  status: number,
  extra = {},
): Error {
  const entry = MODULES[service];
  const $metadata = { httpStatusCode: status, requestId: nextRequestId(), attempts: 1, totalRetryDelay: 0 };
  const $fault = status >= 500 ? 'server' : 'client';
  if (!entry) {
    return Object.assign(new Error(message), { name: code, $fault, $metadata, ...extra });
  }
  const Base = entry.module[entry.base] as ExceptionCtor;
  const Modeled = entry.module[code] as ExceptionCtor | undefined;
  let error: Error;
  if (typeof Modeled === 'function' && Modeled.prototype instanceof Base) {
    error = new Modeled({ message, $metadata, ...extra });
    // modeled classes carry their own $fault; keep the status we were given
  } else {
    error = new Base({ name: code, $fault, message, $metadata, ...extra });
  }
  // Query/XML protocols (EC2, S3) also expose the code as `Code`, as the SDK's parsed body does
  Object.assign(error, { Code: code, Message: message });
  return error;
}

/** The error a client-side timeout raises (what the SDK's HTTP handler throws): retried as transient. */
export function timeoutError(api: string, ms: number): Error {
  const error = new Error(`Connection timed out after ${ms} ms (${api}, injected by the simulated account)`);
  return Object.assign(error, { name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: {} });
}

/** The throttling error of each service: code and HTTP status as AWS returns them. */
export function throttleFor(service: string): { code: string; status: number; message: string } {
  if (service === 'ec2')
    return { code: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.' };
  if (service === 's3') return { code: 'SlowDown', status: 503, message: 'Please reduce your request rate.' };
  if (service === 'sts') return { code: 'Throttling', status: 400, message: 'Rate exceeded' };
  return { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' };
}

/** The error code of each service for an API it does not have. */
export function unknownApiCodeFor(service: string): string {
  return service === 'ec2' ? 'InvalidAction' : 'UnknownOperationException';
}

/** The internal error of each service. */
export function serverErrorFor(service: string): { code: string; status: number; message: string } {
  switch (service) {
    case 'ec2':
    case 's3':
      return {
        code: 'InternalError',
        status: 500,
        message: 'We encountered an internal error. Please try again.',
      };
    case 'eks':
      return { code: 'ServerException', status: 500, message: 'Internal service error' };
    case 'dynamodb':
      return { code: 'InternalServerError', status: 500, message: 'Internal server error' };
    case 'ssm':
      return { code: 'InternalServerError', status: 500, message: 'An error occurred on the server side.' };
    default:
      return { code: 'InternalFailure', status: 500, message: 'The request processing has failed.' };
  }
}

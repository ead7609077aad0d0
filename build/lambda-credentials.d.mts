import type { AwsCredentialIdentity } from '@smithy/types';

export declare const defaultProvider: (init?: { logger?: unknown }) => () => Promise<AwsCredentialIdentity>;
export declare const credentialsWillNeedRefresh: (credentials?: AwsCredentialIdentity) => boolean;
export declare const credentialsTreatedAsExpired: (credentials?: AwsCredentialIdentity) => boolean;

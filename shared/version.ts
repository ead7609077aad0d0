/** airlock's version; named in the SDK user agent and in every audit record. Kept equal to package.json by a test. */
export const VERSION = '0.1.0';

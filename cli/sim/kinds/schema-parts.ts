import { z } from 'zod';

/** Zod pieces several kinds' schemas share. */

export const tagSchema = z.object({ Key: z.string().optional(), Value: z.string().optional() }).loose();

export const cidrText = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'expected a CIDR such as 10.0.0.0/16');

/** A date as the state file holds it: ISO 8601 text (or epoch milliseconds). */
export const isoDate = z.union([
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date'),
  z.number(),
]);

export type SimTag = z.output<typeof tagSchema>;

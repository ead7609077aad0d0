import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import { defineKind, firstString, regionSlot, type SimInput } from '../kind.js';
import { paginate } from '../paging.js';
import { isoDate } from './schema-parts.js';

/** SSM Parameter Store parameters. */

const parameterSchema = z
  .object({
    Name: z.string().min(1),
    Value: z.string(),
    Type: z.enum(['String', 'StringList', 'SecureString']).optional(),
    Version: z.number().int().positive().optional(),
    LastModifiedDate: isoDate.optional(),
    DataType: z.string().optional(),
  })
  .strict();

export type SimParameter = z.output<typeof parameterSchema>;

const slot = regionSlot({ ssmParameters: z.array(parameterSchema).default(() => []) });

function shape(ctx: SimCallContext, p: SimParameter) {
  const name = p.Name.startsWith('/') ? p.Name.slice(1) : p.Name;
  return {
    Name: p.Name,
    Type: p.Type ?? 'String',
    Value: p.Value,
    Version: p.Version ?? 1,
    LastModifiedDate: new Date(p.LastModifiedDate ?? 0),
    ARN: `arn:aws:ssm:${ctx.region}:${ctx.account}:parameter/${name}`,
    DataType: p.DataType ?? 'text',
  };
}

function find(ctx: SimCallContext, name: unknown): SimParameter | undefined {
  const text = String(name ?? '');
  const plain = text.startsWith('arn:') ? `/${text.split(':parameter/')[1] ?? ''}` : text;
  return slot.in(ctx).ssmParameters.find((p) => p.Name === plain || p.Name === plain.replace(/^\//, ''));
}

function getParameter(ctx: SimCallContext, input: SimInput) {
  const p = find(ctx, input.Name);
  if (!p) throw new SimApiError('ParameterNotFound', `Parameter ${input.Name} not found.`);
  return { Parameter: shape(ctx, p) };
}

function getParameters(ctx: SimCallContext, input: SimInput) {
  const names = (input.Names ?? []) as string[];
  const found = names.map((n) => find(ctx, n)).filter((p): p is SimParameter => p !== undefined);
  return {
    Parameters: found.map((p) => shape(ctx, p)),
    InvalidParameters: names.filter((n) => !find(ctx, n)),
  };
}

function getParametersByPath(ctx: SimCallContext, input: SimInput) {
  const path = String(input.Path ?? '/').replace(/\/?$/, '/');
  const matches = slot
    .in(ctx)
    .ssmParameters.filter(
      (p) => p.Name.startsWith(path) && (input.Recursive || !p.Name.slice(path.length).includes('/')),
    );
  const { page, next } = paginate(matches, input.MaxResults, input.NextToken, 10, 'InvalidNextToken');
  return { Parameters: page.map((p) => shape(ctx, p)), ...(next ? { NextToken: next } : {}) };
}

function putParameter(ctx: SimCallContext, input: SimInput) {
  if (!input.Name || input.Value === undefined) {
    throw new SimApiError('ValidationException', 'Name and Value are required');
  }
  const existing = find(ctx, input.Name);
  if (existing && !input.Overwrite) {
    throw new SimApiError(
      'ParameterAlreadyExists',
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
  }
  const now = new Date(ctx.now).toISOString();
  if (existing) {
    existing.Value = String(input.Value);
    if (input.Type) existing.Type = input.Type;
    existing.Version = (existing.Version ?? 1) + 1;
    existing.LastModifiedDate = now;
    return { Version: existing.Version, Tier: 'Standard' };
  }
  slot.in(ctx, true).ssmParameters.push({
    Name: String(input.Name),
    Value: String(input.Value),
    Type: input.Type ?? 'String',
    Version: 1,
    LastModifiedDate: now,
    ...(input.DataType ? { DataType: input.DataType } : {}),
  });
  return { Version: 1, Tier: 'Standard' };
}

/** The SSM parameters kind. */
export const ssmParameters = defineKind('SSM parameters', slot, {
  apis: {
    ssm: {
      GetParameter: getParameter,
      GetParameters: getParameters,
      GetParametersByPath: getParametersByPath,
      PutParameter: putParameter,
    },
  },
  resourceId: (_api, input) => firstString(input, ['Name']),
  summarize: (view) =>
    view.ssmParameters.map((p) => ({
      kind: 'ssm parameter',
      id: p.Name,
      detail: `${p.Type ?? 'String'}, version ${p.Version ?? 1}`,
    })),
});

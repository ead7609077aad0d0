import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { REMEDIATIONS } from '../../functions/registry.js';
import type { AuditRecord } from '../../shared/audit-record.js';
import { buildRealTrail, tempDir } from '../../test/helpers/real-trail.js';
import { type OcsfRemediationActivity, toOcsf } from './ocsf.js';

interface DocumentedAttribute {
  readonly path: string;
  readonly type: string;
  readonly requirement: string;
  readonly values: readonly string[];
}

/** The attribute table of OCSF.md: the documentation is the specification the test holds the export to. */
function documentedAttributes(): DocumentedAttribute[] {
  const text = readFileSync(join(import.meta.dirname, 'OCSF.md'), 'utf8');
  const section = text.slice(text.indexOf('## Attributes'));
  const rows = section.split('\n').filter((l) => /^\|\s*`[a-z_.]+`\s*\|/.test(l));
  return rows.map((row) => {
    const cells = row.split('|').map((c) => c.trim());
    const values = [...(cells[4] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    return { path: cells[1]!.replace(/`/g, ''), type: cells[2]!, requirement: cells[3]!, values };
  });
}

function valueAt(event: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], event);
}

function typeOk(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
    case 'timestamp':
      return Number.isInteger(value);
    case 'string':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      throw new Error(`OCSF.md names an unknown type ${type}`);
  }
}

/** Every problem of one event against the documented table. */
function validate(event: OcsfRemediationActivity): string[] {
  const problems: string[] = [];
  for (const attribute of documentedAttributes()) {
    const value = valueAt(event, attribute.path);
    if (value === undefined) {
      if (attribute.requirement === 'required') problems.push(`${attribute.path}: required, missing`);
      continue;
    }
    if (!typeOk(value, attribute.type)) problems.push(`${attribute.path}: not ${attribute.type}`);
    if (attribute.values.length && !attribute.values.includes(String(value))) {
      problems.push(`${attribute.path}: ${JSON.stringify(value)} not in ${attribute.values.join(', ')}`);
    }
  }
  if (event.type_uid !== event.class_uid * 100 + event.activity_id) problems.push('type_uid');
  return problems;
}

const ec2 = mockClient(EC2Client);
let records: AuditRecord[];

beforeAll(async () => {
  records = await buildRealTrail(ec2, join(tempDir(), 'trail.ndjson'));
});

describe('Function: toOcsf', () => {
  it('documents the required attributes of the class and the base event', () => {
    // Prepare
    const required = documentedAttributes()
      .filter((a) => a.requirement === 'required')
      .map((a) => a.path);

    // Assess
    expect(documentedAttributes().length).toBeGreaterThan(30);
    expect(required).toEqual(
      expect.arrayContaining([
        'class_uid',
        'category_uid',
        'activity_id',
        'type_uid',
        'time',
        'severity_id',
        'command_uid',
        'metadata',
        'metadata.version',
        'metadata.product',
        'cloud',
        'cloud.provider',
      ]),
    );
  });

  it('maps every outcome of a real trail to a Remediation Activity that holds to OCSF.md', () => {
    // Prepare
    const titles = Object.fromEntries(REMEDIATIONS.map((r) => [r.id, r.title]));

    // Act
    const events = records.map((r) => toOcsf(r, titles));

    // Assess
    expect(new Set(records.map((r) => r.outcome))).toEqual(
      new Set(['APPLIED', 'NOOP', 'PLANNED', 'FAILED', 'REJECTED']),
    );
    for (const event of events) expect(validate(event), event.status_code).toEqual([]);
    const applied = events.find((e) => e.status_code === 'APPLIED')!;
    expect(applied).toMatchObject({
      class_uid: 7001,
      category_uid: 7,
      activity_id: 1,
      type_uid: 700101,
      status_id: 1,
      severity_id: 1,
      command_uid: records[0]!.id,
      cloud: { provider: 'AWS', region: 'eu-west-2', account: { uid: '111122223333', type_id: 10 } },
      metadata: { version: '1.3.0', product: { name: 'airlock' }, correlation_uid: 'evt-applied' },
      remediation: { desc: 'Revoke security-group ingress that opens SSH to the world' },
    });
    expect(applied.time).toBe(Date.parse(records[0]!.time));
    expect(applied.observables[0]).toEqual({
      name: 'unmapped.resource.uid',
      type_id: 10,
      type: 'Resource UID',
      value: 'sg-0123456789abcdef0',
    });
    const failed = events.find((e) => e.status_code === 'FAILED')!;
    expect(failed).toMatchObject({ status_id: 2, severity_id: 4, cloud: { region: 'eu-central-1' } });
    expect(events.find((e) => e.status_code === 'PLANNED')).toMatchObject({
      status_id: 99,
      status: 'PLANNED',
    });
  });

  it('maps a rollback to the Restore activity, correlated with the record it undoes', () => {
    // Prepare
    const original = records[0]!;
    const rollback: AuditRecord = {
      ...original,
      trigger: 'rollback',
      actor: { type: 'operator', name: 'alice', version: '0.1.0' },
      links: { rollbackOf: original.id },
    };

    // Act
    const event = toOcsf(rollback);

    // Assess
    expect(validate(event)).toEqual([]);
    expect(event).toMatchObject({
      activity_id: 3,
      type_uid: 700103,
      severity_id: 3,
      actor: { user: { name: 'alice' } },
      metadata: { correlation_uid: original.id },
    });
  });

  it('reports a problem when a required attribute is missing or has the wrong type', () => {
    // Prepare
    const event = toOcsf(records[0]!);
    const { command_uid: _c, ...missing } = event;
    const wrong = { ...event, time: new Date(event.time).toISOString() };

    // Act
    const a = validate(missing as unknown as OcsfRemediationActivity);
    const b = validate(wrong as unknown as OcsfRemediationActivity);

    // Assess
    expect(a).toContain('command_uid: required, missing');
    expect(b).toContain('time: not timestamp');
  });
});

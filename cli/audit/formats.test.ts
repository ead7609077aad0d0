import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../shared/audit-record.js';
import { buildRealTrail, tempDir } from '../../test/helpers/real-trail.js';
import { CSV_COLUMNS, csvField, formatCsv } from './format-csv.js';
import { formatShow } from './format-show.js';
import { formatTable } from './format-table.js';
import { safeText } from './terminal-text.js';
import { loadTrailRecords } from './trail-file.js';

/** A small RFC 4180 reader, to prove the output parses back to the same values. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

const ec2 = mockClient(EC2Client);
let records: AuditRecord[];
let path: string;

beforeAll(async () => {
  path = join(tempDir(), 'trail.ndjson');
  await buildRealTrail(ec2, path);
  records = await loadTrailRecords(path);
});

describe('Function: formatCsv', () => {
  it('opens with a header row and gives one row per record that parses back to the values', () => {
    // Act
    const csv = formatCsv(records);
    const rows = parseCsv(csv);

    // Assess
    expect(
      csv.startsWith(
        '"id","time","outcome","remediation","rule","account","region","resource_type","resource_id",',
      ),
    ).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(rows).toHaveLength(records.length + 1);
    expect(rows[0]).toEqual(CSV_COLUMNS.map(([name]) => name));
    for (const [i, r] of records.entries()) {
      const row = rows[i + 1]!;
      expect(row).toHaveLength(CSV_COLUMNS.length);
      expect(row[0]).toBe(r.id);
      expect(row[2]).toBe(r.outcome);
      expect(row[8]).toBe(r.resource.id);
      expect(row[CSV_COLUMNS.findIndex(([n]) => n === 'reason')]).toBe(r.reason);
    }
  });

  it('quotes every field (RFC 4180), so a ; or , never splits one, and defuses spreadsheet formulas', () => {
    // Assess
    expect(csvField('plain')).toBe('"plain"');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('a;b')).toBe('"a;b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(undefined)).toBe('""');
  });

  it('neutralises a formula a European spreadsheet would read from a raw resource id, also after leading white space', () => {
    // Prepare: what reaches a record from a hostile event (a resource id is kept raw when REJECTED)
    const hostile = [
      '=1+1',
      '+cmd|" /C calc"!A0',
      '-2+3',
      '@SUM(A1)',
      '\t=1',
      '\r=1',
      '  =1+1',
      '\u00a0=1',
      '\n=1',
    ];

    // Act
    const cells = hostile.map((value) => parseCsv(`${csvField(value)}\r\n`)[0]!);

    // Assess: each value is one quoted cell whose text starts with ' (text, never a formula)
    for (const [i, cell] of cells.entries())
      expect(cell, JSON.stringify(hostile[i])).toEqual([`'${hostile[i]}`]);
    expect(csvField('sg-1;=HYPERLINK("http://x";"y")')).toBe('"sg-1;=HYPERLINK(""http://x"";""y"")"');
    expect(csvField('sg-0123456789abcdef0')).toBe('"sg-0123456789abcdef0"');
  });
});

describe('Function: formatTable', () => {
  it('aligns the columns and prints no colour codes unless asked', () => {
    // Act
    const plain = formatTable(records, { colour: false });
    const coloured = formatTable(records, { colour: true });

    // Assess
    const lines = plain.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^TIME\s+OUTCOME\s+REMEDIATION\s+RESOURCE\s+ACCOUNT\s+REGION\s+MODE\s+ID\s+REASON$/,
    );
    const idColumn = lines[0]!.indexOf('ID  ');
    for (const [i, r] of records.entries()) expect(lines[i + 1]!.indexOf(r.id)).toBe(idColumn);
    expect(plain).not.toContain('\u001b[');
    expect(coloured).toContain('\u001b[32mAPPLIED');
    expect(lines.at(-1)).toBe(`${records.length} record(s)`);
  });

  it('escapes control characters a hostile resource id could carry', () => {
    // Assess
    expect(safeText('sg-1\u001b[2J\rX')).toBe('sg-1\\u001b[2J\\u000dX');
    expect(
      formatTable([{ ...records[0]!, resource: { id: 'sg-\u001b]0;pwned\u0007' } }], { colour: false }),
    ).not.toMatch(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting their absence
      /[\u0000-\u0008\u001b]/,
    );
  });
});

describe('Function: formatShow', () => {
  it('shows the header, event, before-state, each step with its call, params, result and undo, and the digest', () => {
    // Act
    const text = formatShow(records[0]!, { colour: false });

    // Assess
    for (const part of [
      `Record ${records[0]!.id}  APPLIED`,
      'Event',
      'evt-applied',
      'Before',
      'sgr-0aaaaaaaaaaaaaaaa',
      '1. ec2:RevokeSecurityGroupIngress (RevokeSecurityGroupIngress) -> applied',
      'params:',
      'result:',
      'undo:',
      'ec2:AuthorizeSecurityGroupIngress',
      'Verification\n  compliant',
      'verified, the record matches its digest',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('says the digest does not match when the record was altered, and shows the step error', () => {
    // Prepare
    const failed = records.find((r) => r.outcome === 'FAILED')!;

    // Act
    const text = formatShow({ ...failed, reason: 'changed' }, { colour: false });

    // Assess
    expect(text).toContain('error: UnauthorizedOperation');
    expect(text).toContain('DOES NOT MATCH the content');
  });
});

describe('Function: loadTrailRecords', () => {
  it('names the file and the line of a line that is not a record', async () => {
    // Prepare
    const bad = join(tempDir(), 'bad.ndjson');
    const text = readFileSync(path, 'utf8').split('\n');
    text.splice(2, 0, '{"schema":"something-else"}');
    (await import('node:fs')).writeFileSync(bad, text.join('\n'));

    // Act
    const error = await loadTrailRecords(bad).catch((e: Error) => e);

    // Assess
    expect((error as Error).message).toContain(`${bad}:3: not an audit record: schema is "something-else"`);
  });
});

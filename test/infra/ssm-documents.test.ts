import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REMEDIATIONS } from '../../functions/registry.js';
import { functionNameOf, INVOKE_STEP, PARAMETER_PATTERNS, renderDocument } from '../../infra/ssm-document.js';
import { parseComplianceEvent } from '../../shared/event.js';
import { validateResourceId } from '../../shared/resource-id.js';
import { hostileIds } from '../helpers/resource-ids.js';

const DIR = join(import.meta.dirname, '..', '..', 'ssm-documents');
const HEADER = [/^# name: airlock-[a-z0-9-]+ \(ssm-documents\/[a-z0-9-]+\.yaml\)$/, /^# what it does: .+/];

interface Parameter {
  type: string;
  allowedPattern?: string;
  default?: unknown;
}
interface Document {
  schemaVersion: string;
  assumeRole: string;
  parameters: Record<string, Parameter>;
  mainSteps: { name: string; action: string; inputs: Record<string, string> }[];
  outputs: string[];
}

const read = (id: string) => readFileSync(join(DIR, `${id}.yaml`), 'utf8');
const load = (id: string) => parse(read(id)) as Document;

/** What SSM substitutes at run time, in the formats SSM uses. */
function substitute(template: string, values: Record<string, string>): string {
  const system: Record<string, string> = {
    'automation:EXECUTION_ID': '4f3c2b1a-0d9e-4c8b-a7f6-e5d4c3b2a190',
    'global:DATE': '2026-11-22',
    'global:DATE_TIME': '2026-11-22_08.30.00',
  };
  return template.replace(/\{\{\s*([A-Za-z:_]+)\s*\}\}/g, (_, name: string) => {
    const value = values[name] ?? system[name];
    if (value === undefined) throw new Error(`no value for {{ ${name} }}`);
    return value;
  });
}

/**
 * Strings each parameter pattern must accept and reject (the reject lists hold JSON-breaking input).
 * `ResourceId` is each remediation's resource kind: its example, and hostile strings around it.
 */
const CASES: Record<string, { accept: string[]; reject: string[] }> = {
  AccountId: {
    accept: ['111122223333', '000000000000'],
    reject: ['11112222333', '1111222233334', 'abcdefghijkl', '111122223333"', ''],
  },
  Region: {
    accept: ['eu-west-2', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-5'],
    reject: ['eu-west', 'EU-WEST-2', 'eu-west-2"', 'eu_west_2', 'eu-west-123'],
  },
  ConfigRuleName: {
    accept: ['restricted-ssh', 'airlock-tgw-route-tables-no-pod-cidr', 'rule_1'],
    reject: ['', 'a'.repeat(129), 'rule name', 'rule"', 'rule}}', 'rule\\'],
  },
  AutomationAssumeRole: {
    accept: [
      'arn:aws:iam::111122223333:role/airlock-revoke-open-ssh-automation',
      'arn:aws-us-gov:iam::111122223333:role/path/to/role',
      'arn:aws-cn:iam::111122223333:role/a+b=c,d.e@f_g-h',
    ],
    reject: [
      'arn:aws:iam::111122223333:user/alice',
      'arn:aws:iam::11112222333:role/x',
      'arn:aws:iam::111122223333:role/',
      'arn:aws:iam::111122223333:role/x"',
      'role/x',
    ],
  },
};

describe('Function: SSM Automation documents', () => {
  it('has one committed document per registered remediation and no other', () => {
    // Act
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort();

    // Assess
    expect(files).toEqual(REMEDIATIONS.map((r) => `${r.id}.yaml`).sort());
  });

  it('commits exactly what the generator writes (npm run ssm-documents)', () => {
    for (const remediation of REMEDIATIONS) {
      // Act
      const { fileName, text } = renderDocument(remediation);

      // Assess
      expect({ fileName, text: read(remediation.id) }).toEqual({ fileName, text });
    }
  });

  it('parses as an Automation document 0.3 that invokes the remediation function', () => {
    for (const remediation of REMEDIATIONS) {
      // Act
      const doc = load(remediation.id);

      // Assess
      expect(doc.schemaVersion).toBe('0.3');
      expect(doc.assumeRole).toBe('{{ AutomationAssumeRole }}');
      expect(doc.mainSteps.map((s) => s.action)).toEqual(['aws:invokeLambdaFunction']);
      expect(doc.mainSteps[0]?.inputs.FunctionName).toBe(functionNameOf(remediation.id));
      expect(doc.outputs.every((o) => o.startsWith(`${INVOKE_STEP}.`))).toBe(true);
    }
  });

  it('starts each document with the same header: name, what it does, parameters, outputs', () => {
    for (const remediation of REMEDIATIONS) {
      // Prepare
      const lines = read(remediation.id).split('\n');
      const doc = load(remediation.id);

      // Act
      const header = lines.slice(
        0,
        lines.findIndex((l) => !l.startsWith('#')),
      );

      // Assess
      expect(header[0]).toMatch(HEADER[0]!);
      expect(header[0]).toContain(`airlock-${remediation.id} (ssm-documents/${remediation.id}.yaml)`);
      expect(header[1]).toMatch(HEADER[1]!);
      expect(header).toContain('# parameters:');
      expect(header).toContain('# outputs:');
      for (const name of Object.keys(doc.parameters)) {
        expect(header.some((l) => l.startsWith(`#   ${name} `))).toBe(true);
      }
      for (const output of doc.outputs) {
        expect(header.some((l) => l.startsWith(`#   ${output} `))).toBe(true);
      }
    }
  });

  it('uses only parameters it declares, and declares only parameters it uses', () => {
    for (const remediation of REMEDIATIONS) {
      // Prepare
      const doc = load(remediation.id);
      const body = JSON.stringify({ assumeRole: doc.assumeRole, mainSteps: doc.mainSteps });

      // Act
      const used = new Set(
        [...body.matchAll(/\{\{\s*([A-Za-z:_]+)\s*\}\}/g)].map((m) => m[1]!).filter((n) => !n.includes(':')),
      );

      // Assess
      expect([...used].sort()).toEqual(Object.keys(doc.parameters).sort());
      expect([...used].sort()).toEqual([
        'AccountId',
        'AutomationAssumeRole',
        'ConfigRuleName',
        'Region',
        'ResourceId',
      ]);
    }
  });

  it('gives every string parameter an allowedPattern', () => {
    for (const remediation of REMEDIATIONS) {
      // Act
      const parameters = Object.entries(load(remediation.id).parameters);

      // Assess
      for (const [name, p] of parameters) {
        expect({ name, type: p.type, pattern: typeof p.allowedPattern }).toEqual({
          name,
          type: 'String',
          pattern: 'string',
        });
      }
    }
  });

  it('accepts and rejects the right strings with every allowedPattern', () => {
    for (const remediation of REMEDIATIONS) {
      // Prepare
      const doc = load(remediation.id);
      const example = remediation.resourceKind.example;
      const cases: Record<string, { accept: string[]; reject: string[] }> = {
        ...CASES,
        ResourceId: { accept: [example], reject: hostileIds(example) },
      };

      for (const [name, p] of Object.entries(doc.parameters)) {
        const pattern = new RegExp(p.allowedPattern!);
        const { accept, reject } = cases[name]!;

        // Act
        const wronglyRejected = accept.filter((v) => !pattern.test(v));
        const wronglyAccepted = reject.filter((v) => pattern.test(v));

        // Assess
        expect({ doc: remediation.id, name, wronglyRejected, wronglyAccepted }).toEqual({
          doc: remediation.id,
          name,
          wronglyRejected: [],
          wronglyAccepted: [],
        });
      }
    }
  });

  it("takes ResourceId's pattern from the remediation's resource kind, which the functions check again", () => {
    for (const remediation of REMEDIATIONS) {
      // Act
      const pattern = load(remediation.id).parameters.ResourceId?.allowedPattern;

      // Assess
      expect({ id: remediation.id, pattern }).toEqual({
        id: remediation.id,
        pattern: remediation.resourceKind.pattern,
      });
      expect(validateResourceId(remediation.resourceType, remediation.resourceKind.example)).toBeUndefined();
    }
    expect(Object.keys(PARAMETER_PATTERNS).sort()).toEqual([
      'AccountId',
      'AutomationAssumeRole',
      'ConfigRuleName',
      'Region',
    ]);
  });

  it('sends a payload that parseComplianceEvent accepts as a manual NON_COMPLIANT event', () => {
    for (const remediation of REMEDIATIONS) {
      // Prepare
      const doc = load(remediation.id);
      const resourceId = remediation.resourceKind.example;
      const values = {
        ResourceId: resourceId,
        AccountId: '111122223333',
        Region: 'eu-west-2',
        ConfigRuleName: remediation.configRuleNames[0]!,
        AutomationAssumeRole: 'arn:aws:iam::111122223333:role/x',
      };

      // Act
      const parsed = parseComplianceEvent(substitute(doc.mainSteps[0]!.inputs.Payload!, values));

      // Assess
      expect(parsed).toMatchObject({
        source: 'airlock.manual',
        trigger: 'manual',
        account: '111122223333',
        region: 'eu-west-2',
        rule: remediation.configRuleNames[0],
        resourceType: remediation.resourceType,
        resourceId,
        complianceType: 'NON_COMPLIANT',
        evaluationTime: '2026-11-22_08.30.00',
      });
    }
  });
});

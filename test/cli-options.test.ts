import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../cli/main.js';

/** Every command that does something (the leaves), by its full name (`audit list`). */
function leaves(): [string, Command][] {
  const out: [string, Command][] = [];
  const walk = (c: Command, path: string[]) => {
    for (const sub of c.commands) {
      const name = [...path, sub.name()];
      if (sub.commands.length === 0) out.push([name.join(' '), sub]);
      walk(sub, name);
    }
  };
  walk(buildProgram(), []);
  return out;
}

const hidden = (o: Option) => (o as Option & { hidden?: boolean }).hidden === true;
const visible = (c: Command) => c.options.filter((o) => !hidden(o));
const argOf = (o: Option) => o.flags.split(/\s+/).slice(1).join(' ');

/** The option vocabulary: one name and one argument per idea, whichever command takes it. */
const VOCABULARY: Readonly<Record<string, string>> = {
  '--output': '<format>',
  '--file': '<path>',
  '--region': '<region>',
  '--profile': '<name>',
  '--endpoint-url': '<url>',
  '--sim-state': '<file>',
  '--mode': '<mode>',
  '--settings': '<file>',
  '--role-arn': '<arn>',
  '--assume-role-name': '<name>',
  '--external-id': '<id>',
  '--account': '<id>',
  '--remediation': '<id>',
  '--table': '<name>',
  '--concurrency': '<n>',
  '--html': '<file>',
  '--bucket': '<name>',
  '--bucket-region': '<region>',
  '--progress': '',
  '--force': '',
};

/** Other spellings of the ideas above, which no command may show. */
const SYNONYMS = [
  '--json',
  '--audit-file',
  '--format',
  '--endpoint',
  '--state',
  '--aws-region',
  '--trail',
  '--out-format',
];

describe('Function: the option vocabulary of every airlock command', () => {
  it('spells each idea with one name and one argument everywhere', () => {
    // Act
    const seen = new Map<string, Set<string>>();
    for (const [, command] of leaves()) {
      for (const option of visible(command)) {
        const args = seen.get(option.long!) ?? new Set<string>();
        args.add(argOf(option));
        seen.set(option.long!, args);
      }
    }

    // Assess
    for (const [long, args] of seen) {
      expect({ long, args: [...args] }).toEqual({ long, args: [[...args][0]] });
      if (long in VOCABULARY) expect({ long, arg: [...args][0] }).toEqual({ long, arg: VOCABULARY[long] });
    }
    for (const synonym of SYNONYMS)
      expect({ synonym, used: seen.has(synonym) }).toEqual({ synonym, used: false });
  });

  it('offers table and JSON through --output on every command that prints results, table by default', () => {
    for (const [name, command] of leaves()) {
      const output = command.options.find((o) => o.long === '--output');
      if (!output) continue;
      // Assess
      expect({ name, choices: output.argChoices?.slice(0, 2) }).toEqual({ name, choices: ['table', 'json'] });
      expect({ name, default: output.defaultValue }).toEqual({ name, default: 'table' });
    }
    const printers = ['replay', 'scan', 'audit list', 'sim show', 'breaker status'];
    for (const name of printers) {
      expect(
        leaves()
          .find(([n]) => n === name)?.[1]
          .options.some((o) => o.long === '--output'),
      ).toBe(true);
    }
  });

  it('acts in plan or apply mode, plan by default, wherever a command can write', () => {
    for (const name of ['replay', 'rollback']) {
      const mode = leaves()
        .find(([n]) => n === name)![1]
        .options.find((o) => o.long === '--mode')!;
      expect({ name, choices: mode.argChoices, default: mode.defaultValue }).toEqual({
        name,
        choices: ['plan', 'apply'],
        default: 'plan',
      });
    }
  });

  it('reaches AWS with the same options everywhere: --profile and --endpoint-url together, --bucket-region for a bucket', () => {
    for (const [name, command] of leaves()) {
      const longs = new Set(visible(command).map((o) => o.long));
      // Assess
      if (longs.has('--endpoint-url'))
        expect({ name, profile: longs.has('--profile') }).toEqual({ name, profile: true });
      if (longs.has('--bucket'))
        expect({ name, bucketRegion: longs.has('--bucket-region') }).toEqual({ name, bucketRegion: true });
      if (longs.has('--assume-role-name')) {
        expect({ name, externalId: longs.has('--external-id'), roleArn: longs.has('--role-arn') }).toEqual({
          name,
          externalId: true,
          roleArn: true,
        });
      }
    }
    const replay = new Set(
      leaves()
        .find(([n]) => n === 'replay')![1]
        .options.map((o) => o.long),
    );
    const scan = new Set(
      leaves()
        .find(([n]) => n === 'scan')![1]
        .options.map((o) => o.long),
    );
    for (const aws of [
      '--region',
      '--profile',
      '--endpoint-url',
      '--role-arn',
      '--assume-role-name',
      '--external-id',
      '--sim-state',
    ]) {
      expect({ aws, replay: replay.has(aws), scan: scan.has(aws) }).toEqual({
        aws,
        replay: true,
        scan: true,
      });
    }
  });

  it('keeps the former spellings working but out of the help: breaker status --json, replay --audit-file', () => {
    for (const [name, long] of [
      ['breaker status', '--json'],
      ['replay', '--audit-file'],
    ] as const) {
      const command = leaves().find(([n]) => n === name)![1];
      const option = command.options.find((o) => o.long === long);
      expect({ name, long, hidden: option && hidden(option) }).toEqual({ name, long, hidden: true });
      expect(command.helpInformation()).not.toContain(long);
    }
  });

  it('describes every option and shows examples in the help of every command', () => {
    for (const [name, command] of leaves()) {
      let help = '';
      command.configureOutput({ writeOut: (s) => (help += s), writeErr: () => {} });
      command.outputHelp();
      // Assess
      expect({ name, example: /\nExamples?:\n {2}(npx )?airlock /.test(help) }).toEqual({
        name,
        example: true,
      });
      for (const option of visible(command)) {
        expect({ name, option: option.long, described: option.description.length > 8 }).toEqual({
          name,
          option: option.long,
          described: true,
        });
      }
    }
  });
});

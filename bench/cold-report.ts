import { type ColdStartResult, type FunctionFigures, WARM_EVENTS } from './cold-start.js';
import { type Spread, showSpread, textTable } from './stats.js';

export interface Target {
  readonly name: string;
  readonly figure: string;
  readonly ok: boolean;
}

/** Size budgets of a function's folder (all its .mjs files), in bytes: 1 MB = 1,000,000 bytes. */
export const BUDGET = { ec2: 1_000_000, other: 450_000 } as const;

/** Cold-start budgets: Node over the Python equivalent (EC2 functions), and peak RSS (every function). */
export const COLD_BUDGET = { loadRatio: 0.3, firstRatio: 0.4, rssMiB: 80, unbundledRatio: 0.6 } as const;

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

/** The targets the cold-start section checks. */
export function coldTargets(cold: ColdStartResult): Target[] {
  const targets: Target[] = [];
  for (const f of cold.functions) {
    const limit = f.ec2 ? BUDGET.ec2 : BUDGET.other;
    const budget = f.ec2 ? '1.0 MB' : '450 KB';
    targets.push(
      {
        name: `bundle ${f.id} <= ${budget}, read at start`,
        figure: `${f.startBytes} B (${kib(f.startBytes)})`,
        ok: f.startBytes <= limit,
      },
      {
        name: `bundle ${f.id} <= ${budget}, all files`,
        figure: `${f.totalBytes} B (${kib(f.totalBytes)})`,
        ok: f.totalBytes <= limit,
      },
    );
    const c = f.cold;
    if (!c) continue;
    if (f.ec2 && c.python) {
      targets.push(
        {
          name: `cold load ${f.id} <= ${COLD_BUDGET.loadRatio} x Python`,
          figure: `${c.python.loadRatio.toFixed(2)} (CPU ${c.python.loadCpuRatio.toFixed(2)})`,
          ok: c.python.loadRatio <= COLD_BUDGET.loadRatio,
        },
        {
          name: `cold load + first event ${f.id} <= ${COLD_BUDGET.firstRatio} x Python`,
          figure: `${c.python.firstRatio.toFixed(2)} (CPU ${c.python.firstCpuRatio.toFixed(2)})`,
          ok: c.python.firstRatio <= COLD_BUDGET.firstRatio,
        },
      );
    }
    if (f.ec2) {
      targets.push({
        name: `cold start ${f.id} <= ${COLD_BUDGET.unbundledRatio} x unbundled`,
        figure: c.ratio.toFixed(2),
        ok: c.ratio <= COLD_BUDGET.unbundledRatio,
      });
    }
    targets.push({
      name: `peak RSS ${f.id} <= ${COLD_BUDGET.rssMiB} MiB`,
      figure: `${c.rssMiB.median.toFixed(1)} MiB`,
      ok: c.rssMiB.median <= COLD_BUDGET.rssMiB,
    });
  }
  return targets;
}

const ms = (s: Spread | undefined) => (s ? showSpread(s, 0) : '-');

function sizeRows(functions: readonly FunctionFigures[]): string[][] {
  return functions.map((f) => [
    f.id,
    String(f.totalBytes),
    String(f.totalGzipBytes),
    String(f.startBytes),
    String(f.startGzipBytes),
    String(f.files),
  ]);
}

/** The cold-start section of the bench's table. */
export function coldTables(c: ColdStartResult): string[] {
  const py = 'bin' in c.python ? c.python : undefined;
  const remediations = c.functions.filter((f) => f.cold);
  const out = [
    '',
    `BUNDLES — dist/<id>/ as deployed (all .mjs files) and what a cold start reads (index.mjs and the chunks it imports statically), bytes`,
    textTable(['function', 'all files', 'gzip', 'read at start', 'gzip', 'files'], sizeRows(c.functions)),
    '',
    `COLD START — ${c.node}; median (min–max) of ${c.floors.nodeMs.runs} runs${c.loadAverage ? `, load average ${c.loadAverage.map((l) => l.toFixed(1)).join(' ')}` : ''}; wall time from spawn to the child's report above a child that does nothing (${ms(c.floors.nodeMs)} ms, CPU ${ms(c.floors.nodeCpuMs)} ms)`,
    'load = import of the bundle (module evaluation, settings validated, clients built); first = load and one COMPLIANT evaluation end to end;',
    `warm event = each of the ${WARM_EVENTS} events the same process handles next (in-process, pooled)`,
    '(settings, parse, validate, NOOP record sealed, logged and written to S3 on a loopback endpoint: one PutObject, no other AWS call).',
    textTable(
      [
        'function',
        'load ms',
        'first ms',
        'load CPU ms',
        'first CPU ms',
        'in-process: import',
        'event',
        'warm event',
        'unbundled first ms',
        'ratio',
        'RSS MiB',
        'unbundled RSS MiB',
      ],
      remediations.map((f) => {
        const x = f.cold!;
        const times = [
          x.load.wallMs,
          x.first.wallMs,
          x.load.cpuMs,
          x.first.cpuMs,
          x.importMs,
          x.eventMs,
          x.warmMs,
        ];
        return [
          f.id,
          ...times.map(ms),
          ms(x.unbundledMs),
          x.ratio.toFixed(2),
          showSpread(x.rssMiB),
          showSpread(x.unbundledRssMiB),
        ];
      }),
    ),
    '',
  ];
  if (!py) {
    const reason = 'skipped' in c.python ? c.python.skipped : '';
    return [...out, `PYTHON EQUIVALENT — skipped: ${reason}`];
  }
  return [
    ...out,
    `PYTHON EQUIVALENT — ${py.bin} ${py.version}, boto3 ${py.boto3} (bench/cold_start.py); floor ${ms(c.floors.pythonMs)} ms, CPU ${ms(c.floors.pythonCpuMs)} ms`,
    'load = import boto3 and build the DynamoDB, S3 and service clients; first = load and the same record sealed, logged and PutObject to the same endpoint; warm = that work again',
    textTable(
      [
        'function',
        'client',
        'load ms',
        'first ms',
        'import',
        'clients',
        'event',
        'warm event',
        'Node/Python load',
        'first',
        'CPU load',
        'CPU first',
        'warm',
      ],
      remediations
        .filter((f) => f.cold?.python)
        .map((f) => {
          const p = f.cold!.python!;
          const times = [p.load.wallMs, p.first.wallMs, p.importMs, p.clientsMs, p.eventMs, p.warmMs];
          const ratios = [p.loadRatio, p.firstRatio, p.loadCpuRatio, p.firstCpuRatio, p.warmRatio];
          return [
            f.id,
            p.service,
            ...times.map(ms),
            ...ratios.map((r) => (Number.isFinite(r) ? r.toFixed(2) : '-')),
          ];
        }),
    ),
  ];
}

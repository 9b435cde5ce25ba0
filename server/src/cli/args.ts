/** Argument parsing for `asset-lens`; a bad argument is a UsageError (exit 2). */
export class UsageError extends Error {}

export const USAGE = `usage: asset-lens <command> [options]

commands:
  keys [DIR] [--format text|json]                 every asset key with kind, partitions and file:line
  lineage KEY [DIR] [--up|--down] [--depth N]      upstream/downstream tree of an asset (default: both)
  check [DIR] [--format text|json|sarif]           diagnostics; exit 1 when there is an error
  graph [DIR] --format dot|json                    the whole asset graph

options:
  --manifest PATH    manifest path (absolute, or relative to each dbt project)
  --quiet            no progress on stderr
  -h, --help         this help`;

export interface CliArgs {
  command: 'keys' | 'lineage' | 'check' | 'graph';
  dir: string;
  key?: string;
  format: string;
  direction: 'up' | 'down' | 'both';
  depth: number;
  manifest?: string;
  quiet: boolean;
}

const FORMATS: Record<CliArgs['command'], string[]> = {
  keys: ['text', 'json'],
  lineage: ['text', 'json'],
  check: ['text', 'json', 'sarif'],
  graph: ['dot', 'json'],
};

export function parseArgs(argv: string[]): CliArgs | 'help' {
  if (argv.length === 0) throw new UsageError('missing command');
  if (argv.includes('-h') || argv.includes('--help')) return 'help';
  const [command, ...rest] = argv;
  if (!(command in FORMATS)) throw new UsageError(`unknown command "${command}"`);
  const cmd = command as CliArgs['command'];
  const positional: string[] = [];
  const args: CliArgs = { command: cmd, dir: '.', format: cmd === 'graph' ? 'json' : 'text', direction: 'both', depth: Infinity, quiet: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (v === undefined || v === '') throw new UsageError(`${a.split('=')[0]} needs a value`);
      return v;
    };
    const flag = a.split('=')[0];
    if (flag === '--format') args.format = value();
    else if (flag === '--depth') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new UsageError(`--depth must be a non-negative integer, got "${v}"`);
      args.depth = n;
    } else if (flag === '--up') args.direction = 'up';
    else if (flag === '--down') args.direction = 'down';
    else if (flag === '--manifest') args.manifest = value();
    else if (flag === '--quiet' || flag === '-q') args.quiet = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown option "${a}"`);
    else positional.push(a);
  }
  if (!FORMATS[cmd].includes(args.format)) throw new UsageError(`--format for ${cmd} must be one of ${FORMATS[cmd].join(', ')}`);
  if (cmd === 'lineage') {
    if (positional.length === 0) throw new UsageError('lineage needs a KEY');
    args.key = positional.shift();
  } else if ((args.direction !== 'both' || args.depth !== Infinity)) {
    throw new UsageError('--up, --down and --depth are for lineage');
  }
  if (positional.length > 1) throw new UsageError(`unexpected argument "${positional[1]}"`);
  if (positional.length === 1) args.dir = positional[0];
  return args;
}

/**
 * The benches' command lines: `--name value`, `--name=value` and bare switches. Unknown options and
 * stray arguments are errors that point to `--help`.
 */
export function parseFlags(argv: readonly string[], valued: ReadonlySet<string>, switches: ReadonlySet<string>): Map<string, string | true> {
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) throw new Error(`unexpected argument ${argv[i]} (see --help)`);
    const name = m[1]!;
    if (switches.has(name)) flags.set(name, true);
    else if (valued.has(name)) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) throw new Error(`--${name} needs a value`);
      flags.set(name, v);
    } else throw new Error(`unknown option --${name} (see --help)`);
  }
  return flags;
}

import { parseFlags } from './bench-args';

describe('parseFlags', () => {
  const valued = new Set(['rate', 'only']);
  const switches = new Set(['help', 'skip-kafka']);

  it('reads --name value, --name=value and switches', () => {
    const flags = parseFlags(['--rate', '40', '--only=kafka', '--skip-kafka'], valued, switches);
    expect([...flags]).toEqual([
      ['rate', '40'],
      ['only', 'kafka'],
      ['skip-kafka', true],
    ]);
  });

  it('refuses stray arguments, unknown options and a missing value', () => {
    expect(() => parseFlags(['40'], valued, switches)).toThrow('unexpected argument 40 (see --help)');
    expect(() => parseFlags(['--rates', '40'], valued, switches)).toThrow('unknown option --rates (see --help)');
    expect(() => parseFlags(['--rate'], valued, switches)).toThrow('--rate needs a value');
  });
});

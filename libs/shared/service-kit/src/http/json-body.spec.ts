import { MAX_JSON_DEPTH, parseJsonBody } from './json-body';

const parse = (text: string | Buffer) => parseJsonBody(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'));

describe('parseJsonBody', () => {
  it('accepts objects and arrays, Chinese text and escapes', () => {
    expect(parse('{"legalName":"金堂县城关便民超市","note":"a \\"[quoted]\\" {brace}"}')).toEqual({
      ok: true,
      value: { legalName: '金堂县城关便民超市', note: 'a "[quoted]" {brace}' },
    });
    expect(parse('[1,2]')).toEqual({ ok: true, value: [1, 2] });
  });

  it('refuses a body nested deeper than the limit before parsing it, however deep', () => {
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(parse(ok).ok).toBe(true);
    for (const body of ['['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1), '['.repeat(5000), '{"a":'.repeat(100_000)]) {
      expect(parse(body)).toEqual({
        ok: false,
        problem: { code: 'invalid_json', message: `the request body is nested more than ${MAX_JSON_DEPTH} levels deep` },
      });
    }
    // brackets inside strings do not count
    expect(parse(JSON.stringify({ s: '['.repeat(1000) })).ok).toBe(true);
  });

  it('refuses a NUL character in any string or key, naming where', () => {
    expect(parse('{"legalName":"a\\u0000b"}')).toEqual({
      ok: false,
      problem: { code: 'invalid_request', message: expect.stringContaining('NUL'), param: 'legalName' },
    });
    expect(parse('{"stores":[{"name":"x"},{"name":"\\u0000"}]}')).toMatchObject({ ok: false, problem: { param: 'stores[1].name' } });
    expect(parse('{"a\\u0000":1}')).toMatchObject({ ok: false, problem: { code: 'invalid_request' } });
  });

  it('refuses keys named like built-in object properties, which object mapping would drop unseen', () => {
    expect(parse('{"name":"p","constructor":"x"}')).toEqual({
      ok: false,
      problem: { code: 'unknown_field', message: 'constructor is not a field of any request', param: 'constructor' },
    });
    expect(parse('{"a":{"__proto__":{"admin":true}}}')).toMatchObject({ ok: false, problem: { code: 'unknown_field', param: 'a.__proto__' } });
    expect(parse('{"stores":[{"toString":1}]}')).toMatchObject({ ok: false, problem: { param: 'stores[0].toString' } });
    expect(parse('{"prototype":1}')).toMatchObject({ ok: false, problem: { code: 'unknown_field' } });
  });

  it('refuses invalid UTF-8 instead of replacing it', () => {
    expect(parse(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]))).toEqual({
      ok: false,
      problem: { code: 'invalid_json', message: 'the request body is not valid UTF-8' },
    });
  });

  it('refuses scalars and malformed JSON', () => {
    expect(parse('"just a string"')).toMatchObject({ ok: false, problem: { code: 'invalid_json' } });
    expect(parse('{"a":')).toMatchObject({ ok: false, problem: { code: 'invalid_json', message: 'the request body is not valid JSON' } });
  });
});

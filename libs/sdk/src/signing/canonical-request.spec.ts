import fc from 'fast-check';
import { bodyDigest, canonicalQuery, canonicalRequest, checkTimestamp, responseCanonical, rfc3986Encode, splitRequestTarget } from './canonical-request';
import { SecurityError, SecurityErrorCode } from './security.exception';

const base = { alg: 'HMAC-SHA256', method: 'get', path: '/v1/payments', timestamp: 1767225600, nonce: 'abcdefgh12345678' } as const;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const EMPTY_SM3 = '1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b';

describe('bodyDigest', () => {
  it('is SHA-256 for HMAC and RSA, SM3 for SM2 (GB/T 32905 "abc" vector)', () => {
    expect(bodyDigest('HMAC-SHA256')).toBe(EMPTY_SHA256);
    expect(bodyDigest('RSA-SHA256', '')).toBe(EMPTY_SHA256);
    expect(bodyDigest('SM2-SM3', new Uint8Array())).toBe(EMPTY_SM3);
    expect(bodyDigest('SM2-SM3', 'abc')).toBe('66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0');
    expect(bodyDigest('HMAC-SHA256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes a string as UTF-8, the same as its bytes', () => {
    expect(bodyDigest('SM2-SM3', '农信')).toBe(bodyDigest('SM2-SM3', Buffer.from('农信', 'utf8')));
  });
});

describe('rfc3986Encode', () => {
  it('leaves only unreserved characters unencoded, with uppercase hex', () => {
    expect(rfc3986Encode("AZaz09-._~!'()* +/?=&%")).toBe('AZaz09-._~%21%27%28%29%2A%20%2B%2F%3F%3D%26%25');
    expect(rfc3986Encode('农')).toBe('%E5%86%9C');
  });

  it('throws a typed error on a lone surrogate', () => {
    expect(() => rfc3986Encode('\ud800')).toThrow(SecurityError);
  });
});

describe('canonicalQuery', () => {
  it('is empty for no query', () => {
    expect(canonicalQuery(undefined)).toBe('');
    expect(canonicalQuery('')).toBe('');
    expect(canonicalQuery('?')).toBe('');
    expect(canonicalQuery({})).toBe('');
  });

  it('sorts by key then value and re-encodes per RFC 3986', () => {
    expect(canonicalQuery('?b=2&a=z&a=y&c')).toBe('a=y&a=z&b=2&c=');
    expect(canonicalQuery('q=a+b&r=%7e&s=%2a')).toBe('q=a%20b&r=~&s=%2A');
    expect(canonicalQuery('x=%E5%86%9C')).toBe('x=%E5%86%9C');
  });

  it('gives the same result for a raw string, pairs, a record and URLSearchParams', () => {
    const raw = 'limit=20&status=PAID&status=CREATED&q=%E5%BC%A0%20%E4%B8%89';
    const expected = 'limit=20&q=%E5%BC%A0%20%E4%B8%89&status=CREATED&status=PAID';
    expect(canonicalQuery(raw)).toBe(expected);
    expect(canonicalQuery(new URLSearchParams(raw))).toBe(expected);
    expect(
      canonicalQuery([
        ['status', 'PAID'],
        ['limit', '20'],
        ['q', '张 三'],
        ['status', 'CREATED'],
      ]),
    ).toBe(expected);
    expect(canonicalQuery({ status: ['PAID', 'CREATED'], limit: 20, q: '张 三', skipped: undefined })).toBe(expected);
  });

  it('throws SecurityError(MalformedCanonicalInput) on malformed percent-encoding', () => {
    try {
      canonicalQuery('a=%zz');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(SecurityError);
      expect((error as SecurityError).code).toBe(SecurityErrorCode.MalformedCanonicalInput);
    }
  });

  it('property: independent of pair order, and raw encoding agrees with decoded pairs', () => {
    const pair = fc.tuple(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 8 }));
    fc.assert(
      fc.property(
        fc
          .array(pair, { maxLength: 8 })
          .chain((pairs) => fc.tuple(fc.constant(pairs), fc.shuffledSubarray(pairs, { minLength: pairs.length, maxLength: pairs.length }))),
        ([pairs, shuffled]) => {
          const raw = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          const fromPairs = canonicalQuery(pairs);
          expect(canonicalQuery(shuffled)).toBe(fromPairs);
          expect(canonicalQuery(raw)).toBe(fromPairs);
          expect(fromPairs).toMatch(/^[A-Za-z0-9\-._~%=&]*$/);
        },
      ),
    );
  });
});

describe('canonicalRequest', () => {
  it('joins the six lines, each terminated by \\n', () => {
    expect(canonicalRequest({ ...base, query: 'b=1&a=2' })).toBe(`GET\n/v1/payments\na=2&b=1\n1767225600\nabcdefgh12345678\n${EMPTY_SHA256}\n`);
  });

  it('uses the SM3 digest for SM2-SM3', () => {
    expect(canonicalRequest({ ...base, alg: 'SM2-SM3' })).toBe(`GET\n/v1/payments\n\n1767225600\nabcdefgh12345678\n${EMPTY_SM3}\n`);
  });

  it('keeps the path exactly as sent', () => {
    expect(canonicalRequest({ ...base, path: '/v1/merchants/m%2F1/../x' }).split('\n')[1]).toBe('/v1/merchants/m%2F1/../x');
  });

  it('accepts the timestamp as header text', () => {
    expect(canonicalRequest({ ...base, timestamp: '1767225600' })).toBe(canonicalRequest(base));
  });

  it.each([
    ['method with a space', { method: 'GE T' }],
    ['path without leading slash', { path: 'v1/payments' }],
    ['path with query', { path: '/v1/payments?a=1' }],
    ['path with a newline', { path: '/v1/pay\nments' }],
    ['path with a raw space', { path: '/v1/pay ments' }],
    ['timestamp with leading zero', { timestamp: '01767225600' }],
    ['negative timestamp', { timestamp: -1 }],
    ['fractional timestamp', { timestamp: 1.5 }],
    ['short nonce', { nonce: 'abc' }],
    ['nonce with newline', { nonce: 'abcdefgh\n1234' }],
  ])('rejects %s', (_label, override) => {
    expect(() => canonicalRequest({ ...base, ...override })).toThrow(SecurityError);
  });

  it('property: always exactly six \\n-terminated lines', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.uint8Array({ maxLength: 64 }), fc.stringMatching(/^[A-Za-z0-9._~-]{8,64}$/), (q, body, nonce) => {
        const canonical = canonicalRequest({ ...base, query: [['q', q]], body, nonce });
        expect(canonical.endsWith('\n')).toBe(true);
        expect(canonical.split('\n')).toHaveLength(7);
      }),
    );
  });
});

describe('responseCanonical', () => {
  it('joins status, request id, timestamp, request nonce and body digest', () => {
    expect(
      responseCanonical({ alg: 'HMAC-SHA256', status: 200, requestId: 'req_1', timestamp: 1767225601, requestNonce: 'abcdefgh12345678', body: 'abc' }),
    ).toBe('200\nreq_1\n1767225601\nabcdefgh12345678\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n');
  });

  it('has an empty nonce line when the request carried no valid nonce', () => {
    expect(responseCanonical({ alg: 'SM2-SM3', status: 401, requestId: 'req_2', timestamp: 1 })).toBe(`401\nreq_2\n1\n\n${EMPTY_SM3}\n`);
  });

  it('rejects a bad status or request id', () => {
    expect(() => responseCanonical({ alg: 'HMAC-SHA256', status: 42, requestId: 'r', timestamp: 1 })).toThrow(SecurityError);
    expect(() => responseCanonical({ alg: 'HMAC-SHA256', status: 200, requestId: 'r\n1', timestamp: 1 })).toThrow(SecurityError);
  });
});

describe('splitRequestTarget', () => {
  it('splits at the first ? and drops a fragment', () => {
    expect(splitRequestTarget('/v1/a?b=1&c=?#frag')).toEqual({ path: '/v1/a', query: 'b=1&c=?' });
    expect(splitRequestTarget('/v1/a')).toEqual({ path: '/v1/a', query: '' });
  });
});

describe('checkTimestamp', () => {
  it('accepts the window edges and rejects beyond them', () => {
    expect(checkTimestamp('1000', 1300, 300)).toBe('ok');
    expect(checkTimestamp('1600', 1300, 300)).toBe('ok');
    expect(checkTimestamp('999', 1300, 300)).toBe('too_old');
    expect(checkTimestamp('1601', 1300, 300)).toBe('too_new');
    expect(checkTimestamp('1e3', 1300, 300)).toBe('malformed');
    expect(checkTimestamp('', 1300, 300)).toBe('malformed');
  });
});

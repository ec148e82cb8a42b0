import type { ErrorCode } from '@countypay/contracts';

/** Deeper than any request of the API: a body nested deeper is refused before anything walks it. */
export const MAX_JSON_DEPTH = 32;

export interface BodyProblem {
  code: ErrorCode;
  message: string;
  param?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a JSON request body strictly, the one way every service and the gateway do: valid UTF-8
 * (never silently replaced), a JSON object or array, nested at most MAX_JSON_DEPTH levels, and no
 * NUL character in any key or string (PostgreSQL text cannot hold one). Iterative, so a hostile
 * body (`[` × 100,000) cannot exhaust the stack of whatever walks it next.
 */
export function parseJsonBody(bytes: Buffer): { ok: true; value: object } | { ok: false; problem: BodyProblem } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, problem: { code: 'invalid_json', message: 'the request body is not valid UTF-8' } };
  }
  // the nesting is checked on the text first: JSON.parse itself recurses
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH)
        return { ok: false, problem: { code: 'invalid_json', message: `the request body is nested more than ${MAX_JSON_DEPTH} levels deep` } };
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: { code: 'invalid_json', message: 'the request body is not valid JSON' } };
  }
  if (typeof value !== 'object' || value === null)
    return { ok: false, problem: { code: 'invalid_json', message: 'the request body must be a JSON object or array' } };
  const reserved = findReservedKey(value);
  if (reserved !== undefined) return { ok: false, problem: { code: 'unknown_field', message: `${reserved} is not a field of any request`, param: reserved } };
  const nul = findNul(value);
  if (nul !== undefined)
    return {
      ok: false,
      problem: {
        code: 'invalid_request',
        message: `${nul || 'the body'} contains a NUL character (\\u0000), which no field accepts`,
        ...(nul ? { param: nul } : {}),
      },
    };
  return { ok: true, value };
}

/**
 * Keys named like the built-in properties of every JavaScript object (`__proto__`,
 * `constructor`, `toString`…): no request has such a field, and the object mapping would drop
 * them silently before the unknown-field check saw them — refused here, by path.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function findReservedKey(root: object): string | undefined {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (Array.isArray(v)) v.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        const p = path ? `${path}.${k}` : k;
        if (RESERVED_KEYS.has(k)) return p;
        stack.push([(v as Record<string, unknown>)[k], p]);
      }
    }
  }
  return undefined;
}

/** The path of the first key or string holding U+0000 ('' for the top level), iteratively. */
function findNul(root: object): string | undefined {
  const stack: Array<[unknown, string]> = [[root, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push([item, `${path}[${i}]`]));
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (k.includes('\u0000')) return path || 'a key';
        stack.push([child, p]);
      }
    }
  }
  return undefined;
}

// Standard base64, BinaryLike and constant-time comparison belong to the signing scheme and live
// in @countypay/sdk (docs/adr/0006); these two are the platform's own.

const STRICT_BASE64URL = /^[A-Za-z0-9_-]*$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Decodes unpadded base64url; returns `undefined` for anything else. */
export function decodeBase64UrlStrict(input: string): Buffer | undefined {
  if (!STRICT_BASE64URL.test(input) || input.length % 4 === 1) return undefined;
  return Buffer.from(input, 'base64url');
}

export function isHex(input: string): boolean {
  return HEX.test(input);
}

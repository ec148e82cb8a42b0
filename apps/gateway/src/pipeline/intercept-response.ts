import type { Response } from 'express';

type Chunk = string | Buffer | Uint8Array;

function toBuffer(chunk: Chunk, encoding?: BufferEncoding): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, encoding ?? 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
}

/**
 * Holds a response back until its whole body is known, then runs `beforeSend` (which may set
 * headers: signatures need the body digest; idempotency stores the response) and sends it.
 * JSON API responses are small and sent in one piece, so buffering costs nothing noticeable.
 */
export function interceptResponse(res: Response, beforeSend: (status: number, body: Buffer) => Promise<void>): void {
  const chunks: Buffer[] = [];
  const originalWrite = res.write.bind(res);
  const originalEnd = res.end.bind(res);
  let ended = false;

  res.write = ((chunk: Chunk, encoding?: BufferEncoding | ((e?: Error | null) => void), cb?: (e?: Error | null) => void): boolean => {
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, typeof encoding === 'string' ? encoding : undefined));
    const callback = typeof encoding === 'function' ? encoding : cb;
    if (callback) process.nextTick(callback);
    return true;
  }) as Response['write'];

  res.end = ((chunk?: Chunk | (() => void), encoding?: BufferEncoding | (() => void), cb?: () => void): Response => {
    if (ended) return res;
    ended = true;
    let callback = cb;
    if (typeof chunk === 'function') {
      callback = chunk;
      chunk = undefined;
    }
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    if (chunk !== undefined && chunk !== null) chunks.push(toBuffer(chunk, encoding));
    const body = Buffer.concat(chunks);
    res.write = originalWrite;
    res.end = originalEnd;
    void beforeSend(res.statusCode, body)
      .catch(() => undefined)
      .finally(() => {
        if (!res.headersSent && body.length > 0 && res.statusCode !== 204 && res.statusCode !== 304) res.setHeader('Content-Length', body.length);
        originalEnd(body, callback);
      });
    return res;
  }) as Response['end'];
}

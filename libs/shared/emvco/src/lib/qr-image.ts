import QRCode from 'qrcode';

/**
 * QR images of an EMVCo payload (or any text): error correction level M, quiet zone
 * (margin) of 2 modules, width configurable. Byte mode, UTF-8, so Chinese merchant names
 * survive. Pure computation: nothing is written to disk.
 */
export interface QrImageOptions {
  /** Image width in pixels (PNG) or in user units (SVG), 64–4096. Default 300. */
  readonly width?: number;
  /** Quiet zone in modules. Default 2. */
  readonly margin?: number;
}

export const DEFAULT_QR_WIDTH = 300;
export const DEFAULT_QR_MARGIN = 2;

function resolveOptions(opts: QrImageOptions): { width: number; margin: number } {
  const width = opts.width ?? DEFAULT_QR_WIDTH;
  const margin = opts.margin ?? DEFAULT_QR_MARGIN;
  if (!Number.isInteger(width) || width < 64 || width > 4096) throw new RangeError(`QR width must be an integer from 64 to 4096, got ${width}`);
  if (!Number.isInteger(margin) || margin < 0 || margin > 16) throw new RangeError(`QR margin must be an integer from 0 to 16, got ${margin}`);
  return { width, margin };
}

function checkPayload(payload: string): void {
  if (typeof payload !== 'string' || payload.length === 0) throw new RangeError('QR payload must be a non-empty string');
}

export async function renderQrPng(payload: string, opts: QrImageOptions = {}): Promise<Buffer> {
  checkPayload(payload);
  const { width, margin } = resolveOptions(opts);
  return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin, width });
}

export async function renderQrSvg(payload: string, opts: QrImageOptions = {}): Promise<string> {
  checkPayload(payload);
  const { width, margin } = resolveOptions(opts);
  return QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin, width });
}

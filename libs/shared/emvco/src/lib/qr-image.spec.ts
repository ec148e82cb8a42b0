import { renderQrPng, renderQrSvg } from './qr-image';

const PAYLOAD =
  '00020101021226780012cn.countypay0111M20240001230233https://q.countypay.cn/s/AB12CD340306330481' +
  '520454115303156540512.345802CN5910平湖市新埭镇便民超市6002嘉兴62250513PO20240101ABC0704T0016304BB3F';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width from the PNG IHDR chunk (bytes 16–19, big-endian). */
const pngWidth = (png: Buffer): number => png.readUInt32BE(16);

describe('renderQrPng', () => {
  it('renders a PNG (signature) at the default width of 300 px', async () => {
    const png = await renderQrPng(PAYLOAD);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngWidth(png)).toBe(300);
  });

  it('honours a configured width', async () => {
    const png = await renderQrPng(PAYLOAD, { width: 512 });
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(pngWidth(png)).toBe(512);
  });

  it('rejects a silly width or an empty payload', async () => {
    await expect(renderQrPng(PAYLOAD, { width: 10 })).rejects.toThrow(RangeError);
    await expect(renderQrPng(PAYLOAD, { width: 300.5 })).rejects.toThrow(RangeError);
    await expect(renderQrPng('')).rejects.toThrow(RangeError);
  });
});

describe('renderQrSvg', () => {
  it('renders an <svg> document', async () => {
    const svg = await renderQrSvg(PAYLOAD, { width: 256 });
    expect(svg.trimStart().startsWith('<svg')).toBe(true);
    expect(svg).toContain('width="256"');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('uses a quiet zone of 2 modules by default (viewBox = modules + 4)', async () => {
    const svg = await renderQrSvg(PAYLOAD);
    const viewBox = /viewBox="0 0 (\d+) (\d+)"/.exec(svg);
    expect(viewBox).not.toBeNull();
    const size = Number(viewBox?.[1]);
    // QR versions have 21 + 4k modules per side; with a margin of 2 on each side: 25 + 4k
    expect((size - 4 - 21) % 4).toBe(0);
    const noMargin = await renderQrSvg(PAYLOAD, { margin: 0 });
    expect(Number(/viewBox="0 0 (\d+)/.exec(noMargin)?.[1])).toBe(size - 4);
  });
});

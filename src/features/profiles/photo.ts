import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** Larger images are refused before decoding, so a small file cannot claim a huge canvas. */
const MAX_PIXELS = 40_000_000;

export interface CleanPhoto {
  contentType: 'image/jpeg' | 'image/png';
  bytes: Buffer;
  width: number;
  height: number;
}

export class PhotoError extends Error {}

const isJpeg = (b: Buffer) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const isPng = (b: Buffer) => b.length > 24 && b.subarray(0, 8).equals(PNG_SIGNATURE);

/**
 * Checks that a file really is a JPEG or PNG by its content (never its name or declared type) and
 * re-encodes it from its pixels. Nothing but the pixels survives: no EXIF, GPS position, camera,
 * comments or text chunks.
 */
export function cleanPhoto(file: Buffer): CleanPhoto {
  if (file.length === 0) throw new PhotoError('The selected file is empty');
  if (file.length > MAX_PHOTO_BYTES) throw new PhotoError('The photo must be 5 MB or smaller');
  if (isJpeg(file)) {
    let image: { width: number; height: number; data: Uint8Array };
    try {
      image = jpeg.decode(file, {
        useTArray: true,
        formatAsRGBA: true,
        maxResolutionInMP: MAX_PIXELS / 1_000_000,
        maxMemoryUsageInMB: 256,
      });
    } catch {
      throw new PhotoError('The photo could not be read: it may be damaged. Choose another JPEG or PNG');
    }
    const encoded = jpeg.encode({ data: image.data, width: image.width, height: image.height }, 85);
    return { contentType: 'image/jpeg', bytes: encoded.data, width: image.width, height: image.height };
  }
  if (isPng(file)) {
    const width = file.readUInt32BE(16);
    const height = file.readUInt32BE(20);
    if (width * height > MAX_PIXELS)
      throw new PhotoError('The photo is too large: choose one under 40 megapixels');
    let image: PNG;
    try {
      image = PNG.sync.read(file);
    } catch {
      throw new PhotoError('The photo could not be read: it may be damaged. Choose another JPEG or PNG');
    }
    const out = new PNG({ width: image.width, height: image.height });
    image.data.copy(out.data);
    return { contentType: 'image/png', bytes: PNG.sync.write(out), width: image.width, height: image.height };
  }
  throw new PhotoError('The photo must be a JPEG or PNG image');
}

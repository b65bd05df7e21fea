import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { jpegWithMetadata, pngWithMetadata, SECRET } from '../../../test/support/images';
import { cleanPhoto, MAX_PHOTO_BYTES, PhotoError } from './photo';

describe('cleaning a photo', () => {
  it('re-encodes a JPEG from its pixels: the EXIF position and comment are gone', () => {
    const file = jpegWithMetadata();
    expect(file.includes(SECRET)).toBe(true);
    const clean = cleanPhoto(file);
    expect(clean.contentType).toBe('image/jpeg');
    expect([clean.width, clean.height]).toEqual([32, 24]);
    expect(clean.bytes.includes(SECRET)).toBe(false);
    expect(clean.bytes.includes(Buffer.from('Exif'))).toBe(false);
    const decoded = jpeg.decode(clean.bytes);
    expect([decoded.width, decoded.height]).toEqual([32, 24]);
  });

  it('re-encodes a PNG keeping only its pixels', () => {
    const file = pngWithMetadata();
    expect(file.includes(SECRET)).toBe(true);
    const clean = cleanPhoto(file);
    expect(clean.contentType).toBe('image/png');
    expect(clean.bytes.includes(SECRET)).toBe(false);
    expect(clean.bytes.includes(Buffer.from('tEXt'))).toBe(false);
    const decoded = PNG.sync.read(clean.bytes);
    expect([decoded.width, decoded.height]).toEqual([20, 10]);
    expect(decoded.data.equals(PNG.sync.read(file).data)).toBe(true);
  });

  it('judges the type by content, not by name', () => {
    expect(() => cleanPhoto(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toThrow(
      new PhotoError('The photo must be a JPEG or PNG image'),
    );
    expect(() => cleanPhoto(Buffer.from('GIF89a....'))).toThrow(PhotoError);
  });

  it('refuses a damaged image, an empty file and one over 5 MB', () => {
    const truncated = jpegWithMetadata().subarray(0, 200);
    expect(() => cleanPhoto(truncated)).toThrow(/could not be read/);
    expect(() => cleanPhoto(Buffer.alloc(0))).toThrow(/empty/);
    const big = Buffer.concat([jpegWithMetadata(), Buffer.alloc(MAX_PHOTO_BYTES)]);
    expect(() => cleanPhoto(big)).toThrow(/5 MB or smaller/);
  });

  it('refuses a PNG claiming a huge canvas before decoding it', () => {
    const file = pngWithMetadata();
    file.writeUInt32BE(100_000, 16);
    file.writeUInt32BE(100_000, 20);
    expect(() => cleanPhoto(file)).toThrow(/too large/);
  });
});

import { crc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** Text a camera might hide in a photo; cleaning must remove it. */
export const SECRET = 'GPS 53.79970 N 1.54920 W camera-serial-0042';

function rgba(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([(i * 7) % 256, (i * 13) % 256, 90, 255], i * 4);
  return data;
}

/** A real JPEG with an EXIF segment and a comment carrying a position, as phone cameras write. */
export function jpegWithMetadata(width = 32, height = 24): Buffer {
  const plain = jpeg.encode({ data: rgba(width, height), width, height }, 90).data;
  const exifBody = Buffer.concat([Buffer.from('Exif\0\0'), Buffer.from(SECRET)]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.alloc(2), exifBody]);
  app1.writeUInt16BE(exifBody.length + 2, 2);
  const comBody = Buffer.from(SECRET);
  const com = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.alloc(2), comBody]);
  com.writeUInt16BE(comBody.length + 2, 2);
  return Buffer.concat([plain.subarray(0, 2), app1, com, plain.subarray(2)]);
}

/** A real PNG with a text chunk carrying a position. */
export function pngWithMetadata(width = 20, height = 10): Buffer {
  const png = new PNG({ width, height });
  rgba(width, height).copy(png.data);
  const plain = PNG.sync.write(png);
  const type = Buffer.from('tEXt');
  const data = Buffer.from(`Location\0${SECRET}`);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, data])));
  const chunk = Buffer.concat([length, type, data, crc]);
  // Before IEND (the last 12 bytes).
  return Buffer.concat([plain.subarray(0, plain.length - 12), chunk, plain.subarray(plain.length - 12)]);
}

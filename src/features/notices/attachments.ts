export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export interface UploadedFile {
  filename: string;
  bytes: Buffer;
}

/**
 * The kinds of file a notice may carry, told by content and never by name: PDF, JPEG, PNG and plain
 * text. Anything else is refused, so nothing a browser might run is ever stored.
 */
export function attachmentType(bytes: Buffer): string | null {
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (!bytes.includes(0) && Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)) {
    const text = bytes.toString('utf8').trimStart().toLowerCase();
    // Markup is refused even as "text": a browser could be talked into rendering it.
    if (text.startsWith('<')) return null;
    return 'text/plain';
  }
  return null;
}

/** A file name safe to send back in a header: no path, no control characters. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'attachment';
  const cleaned = base.replace(/[^\w.\- ()]/g, '_').slice(0, 120);
  return cleaned || 'attachment';
}

/** Mulberry32: small, fast and deterministic; the data must be the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const hex = (n: number) => Math.floor(n).toString(16).padStart(8, '0');

/** A version-4-shaped UUID drawn from the generator, so ids repeat from run to run. */
export function uuidFrom(random: () => number): string {
  const h =
    hex(random() * 2 ** 32) + hex(random() * 2 ** 32) + hex(random() * 2 ** 32) + hex(random() * 2 ** 32);
  const variant = ((Number.parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

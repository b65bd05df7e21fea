import { doubleMetaphone } from 'double-metaphone';
import jaroWinkler from 'talisman/metrics/jaro-winkler.js';

/** Lower case, accents off, letters, spaces, hyphens and apostrophes only. */
export function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z\s'-]/g, '')
    .trim();
}

/** The Double Metaphone codes of every part of a name ("Mary-Jane" gives codes for both parts). */
export function phoneticCodes(name: string): string[] {
  const codes = new Set<string>();
  for (const part of foldName(name).split(/[\s-]+/)) {
    if (!part) continue;
    for (const code of doubleMetaphone(part)) if (code) codes.add(code);
  }
  return [...codes];
}

/** How alike two names are, 0 to 1, by Jaro-Winkler on their folded forms. */
export function nameSimilarity(a: string, b: string): number {
  const x = foldName(a);
  const y = foldName(b);
  if (!x || !y) return 0;
  return jaroWinkler(x, y);
}

import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { phoneticCodes } from '../children/names';

export interface Registration {
  /** Upper case, letters, digits and `?` for each character not read. */
  registration: string;
  /** The registration with O read as 0 and I as 1: two sightings of one plate compare equal. */
  key: string;
  partial: boolean;
}

/**
 * A UK registration as written on a plate or in a note: "ab12 cde ", "AB12CDE" and "AB12 CDE" are
 * one vehicle. Spaces, dashes and case go; O and 0, I and 1 are folded together for matching, as
 * they are the commonest misreadings; `?` (or `*`, `_`) stands for a character not read. Null
 * when nothing is left.
 */
export function normaliseRegistration(raw: string): Registration | null {
  const registration = raw
    .toUpperCase()
    .replace(/[*_]/g, '?')
    .replace(/[^A-Z0-9?]/g, '');
  if (!registration || registration.length > 8 || /^\?+$/.test(registration)) return null;
  return { registration, key: foldRegistration(registration), partial: registration.includes('?') };
}

export const foldRegistration = (registration: string) => registration.replace(/O/g, '0').replace(/I/g, '1');

/**
 * Whether a partly read registration (with `?`) could be a full one: the same length, and every
 * character read the same after folding.
 */
export function partialMatches(partialKey: string, fullKey: string): boolean {
  if (partialKey.length !== fullKey.length) return false;
  for (let i = 0; i < partialKey.length; i += 1) {
    const c = partialKey[i];
    if (c !== '?' && c !== fullKey[i]) return false;
  }
  return true;
}

/** A phone number in E.164 (`+447700900123`), read as a UK number unless it says otherwise; null if it is not one. */
export function normalisePhone(raw: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim(), 'GB');
  return parsed?.isPossible() ? parsed.number : null;
}

/** An online handle for matching: trimmed, lower case, without a leading @. */
export function normaliseHandle(raw: string): string {
  return raw.trim().replace(/^@+/, '').toLowerCase();
}

/** The phonetic codes of every name a person goes by, for finding duplicate candidates. */
export function personNameCodes(names: (string | null | undefined)[]): string[] {
  const codes = new Set<string>();
  for (const n of names) if (n) for (const c of phoneticCodes(n)) codes.add(c);
  return [...codes];
}

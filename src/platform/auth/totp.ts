import { generate, generateSecret, generateURI, verify } from 'otplib';
import type { Clock } from '../context';

export function newTotpSecret(): string {
  return generateSecret();
}

/** A secret as `newTotpSecret` makes them: base32, long enough. */
export function isTotpSecret(value: string): boolean {
  return /^[A-Z2-7]{16,128}$/.test(value);
}

export function totpUri(secret: string, email: string): string {
  return generateURI({ issuer: 'Lantern', label: email, secret });
}

/** Accepts the code of the current 30-second step or the one either side, to allow for clock drift. */
export async function checkTotp(secret: string, code: string, clock: Clock): Promise<boolean> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return false;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(clock.now().getTime() / 1000),
    epochTolerance: 30,
  });
  return result.valid;
}

/** The code an authenticator app would show now: for tests and the demo only. */
export function currentTotp(secret: string, clock: Clock): Promise<string> {
  return generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
}

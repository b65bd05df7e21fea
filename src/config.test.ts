import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const secret = 'x'.repeat(40);

describe('configuration', () => {
  it('uses safe local defaults: port 3000, PGlite in ./data, demo on', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.demo).toBe(true);
    expect(config.requireSecondFactor).toBe(false);
  });

  it('runs several processes only on PostgreSQL', () => {
    expect(() => loadConfig({ LANTERN_PROCESSES: '2' })).toThrow(
      /LANTERN_PROCESSES: more than one process needs PostgreSQL/,
    );
    expect(
      loadConfig({ LANTERN_PROCESSES: '2', DATABASE_URL: 'postgres://localhost/lantern' }).processes,
    ).toBe(2);
    expect(loadConfig({}).processes).toBe(1);
  });

  it('refuses to start in production without a session secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/lantern' })).toThrow(
      /SESSION_SECRET/,
    );
  });

  it('refuses demo mode in production', () => {
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: secret,
        DATABASE_URL: 'postgres://db/x',
        LANTERN_DEMO: 'true',
      }),
    ).toThrow(/demo mode is refused/);
  });

  it('requires a second factor for everyone in production, and turns demo off', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: secret,
      DATABASE_URL: 'postgres://db/x',
    });
    expect(config.requireSecondFactor).toBe(true);
    expect(config.demo).toBe(false);
  });

  it('names every bad setting at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://nope' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).toMatch(/PORT/);
      expect(String(error)).toMatch(/DATABASE_URL/);
    }
  });
});

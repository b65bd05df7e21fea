import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppOptions, createApp } from '../../src/app';
import { type Config, testConfig } from '../../src/config';
import { TestClock } from '../../src/platform/context';
import type { Database } from '../../src/platform/db/client';
import type { RegisteredRoute } from '../../src/platform/http/declarations';
import { createServices, type Services } from '../../src/services';
import { seedDemo } from '../../src/synth/demo';
import { freshDatabase } from './db';

export const DEMO_PASSWORD = 'correct-horse-battery';

export interface TestApp {
  app: FastifyInstance;
  routes: RegisteredRoute[];
  services: Services;
  database: Database;
  clock: TestClock;
  config: Config;
  close(): Promise<void>;
}

/** The whole application on a fresh database with the demo agencies and users, and a clock tests can move. */
export async function buildTestApp(
  overrides: Partial<Config> = {},
  options: AppOptions = {},
): Promise<TestApp> {
  const database = await freshDatabase();
  const clock = new TestClock(new Date('2026-03-02T09:00:00Z'));
  const config = testConfig(overrides);
  const services = createServices(database, config, clock);
  await seedDemo(services.withTransaction, clock, DEMO_PASSWORD);
  await services.jobs.start();
  const { app, routes } = await createApp(services, options);
  await app.ready();
  return {
    app,
    routes,
    services,
    database,
    clock,
    config,
    close: async () => {
      await app.close();
      await services.jobs.stop();
      services.mailer.close();
      await database.close();
    },
  };
}

/** A browser in miniature: keeps cookies between requests and finds the CSRF token on each page. */
export class Browser {
  private cookies = new Map<string, string>();
  csrfToken = '';
  /** Each browser comes from its own loopback address, as people at different desks would. */
  readonly remoteAddress =
    `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;

  constructor(private readonly app: FastifyInstance) {}

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookieHeader = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await this.app.inject({
      remoteAddress: this.remoteAddress,
      ...options,
      headers: { ...(options.headers ?? {}), ...(cookieHeader ? { cookie: cookieHeader } : {}) },
    });
    for (const c of response.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0;
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrfToken = token;
    return response;
  }

  get(url: string) {
    return this.request({ method: 'GET', url });
  }

  /** Posts a form with the CSRF token of the last page seen, unless the caller gives one. */
  post(url: string, form: Record<string, string | string[]>, options: { csrf?: string | null } = {}) {
    const body = new URLSearchParams();
    const token = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [k, v] of Object.entries(form))
      for (const one of ([] as string[]).concat(v)) body.append(k, one);
    return this.request({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Posts a multipart form with one file, as a browser's file upload does, with the CSRF token. */
  upload(
    url: string,
    file: { field: string; filename: string; contentType: string; bytes: Buffer },
    form: Record<string, string> = {},
  ) {
    const boundary = `----lantern${Math.random().toString(16).slice(2)}`;
    const fields = { ...(this.csrfToken ? { _csrf: this.csrfToken } : {}), ...form };
    const parts: Buffer[] = Object.entries(fields).map(([k, v]) =>
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
    );
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    );
    return this.request({
      method: 'POST',
      url,
      payload: Buffer.concat(parts),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
  }

  async signIn(email: string, password = DEMO_PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    return this.post('/sign-in', { email, password });
  }
}

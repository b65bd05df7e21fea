import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default('127.0.0.1'),
    LANTERN_DATA_DIR: z.string().default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'DATABASE_URL must be a postgres:// URL')
      .optional()
      .or(z.literal('').transform(() => undefined)),
    SESSION_SECRET: z.string().optional(),
    SMTP_URL: z.string().optional(),
    MAIL_FROM: z.string().default('Lantern <no-reply@lantern.invalid>'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    LANTERN_DEMO: flag.optional(),
    LANTERN_DEMO_PASSWORD: z.string().min(8).default('lantern-demo-password'),
    LANTERN_BASE_URL: z.string().url().optional(),
    TRUST_PROXY: flag.default(false),
    REPEAT_MISSING_COUNT: z.coerce.number().int().min(2).default(3),
    REPEAT_MISSING_DAYS: z.coerce.number().int().min(1).default(90),
    REPEAT_ABSENCE_COUNT: z.coerce.number().int().min(2).default(3),
    REPEAT_ABSENCE_DAYS: z.coerce.number().int().min(1).default(30),
    LINKED_CHILDREN_COUNT: z.coerce.number().int().min(2).default(2),
    LINKED_CHILDREN_DAYS: z.coerce.number().int().min(1).default(90),
    OUT_OF_AREA_MILES: z.coerce.number().min(0).default(20),
    ALERT_ESCALATION_MINUTES: z.coerce.number().int().min(1).default(30),
    API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(600),
    LANTERN_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
    JUSTICE_NO_CONTACT_DAYS: z.coerce.number().int().min(1).default(28),
    JUSTICE_SUPPORT_REVIEW_DAYS: z.coerce.number().int().min(1).default(14),
    TRAINING_RENEWAL_DAYS: z.coerce.number().int().min(1).default(60),
    RETENTION_CHILD_MONTHS: z.coerce.number().int().min(1).default(72),
    RETENTION_SIGHTING_MONTHS: z.coerce.number().int().min(1).default(24),
    RETENTION_NFA_NOTICE_MONTHS: z.coerce.number().int().min(1).default(24),
    RETENTION_INTELLIGENCE_ENTITY_MONTHS: z.coerce.number().int().min(1).default(36),
    POSTCODE_LOOKUP_URL: z
      .url()
      .optional()
      .or(z.literal('').transform(() => undefined)),
  })
  .superRefine((env, ctx) => {
    if (env.LANTERN_PROCESSES > 1 && !env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['LANTERN_PROCESSES'],
        message: 'more than one process needs PostgreSQL (DATABASE_URL): the embedded database has one user',
      });
    }
    if (env.NODE_ENV !== 'production') return;
    if (!env.SESSION_SECRET || env.SESSION_SECRET.length < 32) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'SESSION_SECRET of at least 32 characters is required in production',
      });
    }
    if (env.LANTERN_DEMO === true) {
      ctx.addIssue({
        code: 'custom',
        path: ['LANTERN_DEMO'],
        message: 'demo mode is refused when NODE_ENV=production',
      });
    }
    if (!env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'DATABASE_URL is required in production (the embedded database is for trials and tests)',
      });
    }
  });

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  sessionSecret: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  logLevel: string;
  demo: boolean;
  demoPassword: string;
  baseUrl: string;
  trustProxy: boolean;
  /** Second factor required at sign-in for every user. */
  requireSecondFactor: boolean;
  session: { idleMinutes: number; absoluteHours: number };
  lockout: { maxFailures: number; windowMinutes: number; lockMinutes: number };
  /** Flag rules: so many episodes within so many days. Absences count towards repeat missing too. */
  flags: {
    repeatMissing: { count: number; days: number };
    repeatAbsence: { count: number; days: number };
    /** A place, adult, vehicle or phone linked to this many children within this many days. */
    linkedChildren: { count: number; days: number };
  };
  /** A placement further than this from home is out of area. */
  outOfAreaMiles: number;
  /** An unacknowledged high-priority alert escalates after this long, and again after as long again. */
  alertEscalationMinutes: number;
  /** A postcodes.io-compatible service; without one, users enter coordinates. */
  postcodeLookupUrl: string | undefined;
  /** API calls allowed per client address a minute; 0 leaves limiting to a gateway in front. */
  apiRateLimitPerMinute: number;
  /** Server processes sharing the port (node:cluster); each serves pages and works jobs. */
  processes: number;
  /**
   * Justice cases: an open case with no contact with the child or family for so many days is
   * flagged; a support review is due so many days after a case ends.
   */
  justice: { noContactDays: number; supportReviewDays: number };
  /** Training running out within so many days is listed as a renewal due. */
  trainingRenewalDays: number;
  /** Months after which each kind of record comes up for a keep-or-dispose review. */
  retention: {
    childMonths: number;
    sightingMonths: number;
    nfaNoticeMonths: number;
    intelligenceEntityMonths: number;
  };
}

export class ConfigError extends Error {}

/** Reads every setting once. Local defaults are safe; production refuses anything unsafe. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Lantern cannot start: invalid configuration\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const port = env.PORT;
  return {
    env: env.NODE_ENV,
    port,
    host: env.HOST,
    dataDir: path.resolve(env.LANTERN_DATA_DIR),
    databaseUrl: env.DATABASE_URL,
    // Outside production a fixed local secret is fine: sessions are opaque ids held in the database.
    sessionSecret: env.SESSION_SECRET ?? 'lantern-local-development-secret-not-for-production',
    smtpUrl: env.SMTP_URL || undefined,
    mailFrom: env.MAIL_FROM,
    logLevel: env.LOG_LEVEL,
    demo: env.LANTERN_DEMO ?? !production,
    demoPassword: env.LANTERN_DEMO_PASSWORD,
    baseUrl: env.LANTERN_BASE_URL ?? `http://localhost:${port}`,
    trustProxy: env.TRUST_PROXY,
    requireSecondFactor: production,
    session: { idleMinutes: 30, absoluteHours: 12 },
    lockout: { maxFailures: 5, windowMinutes: 15, lockMinutes: 15 },
    flags: {
      repeatMissing: { count: env.REPEAT_MISSING_COUNT, days: env.REPEAT_MISSING_DAYS },
      repeatAbsence: { count: env.REPEAT_ABSENCE_COUNT, days: env.REPEAT_ABSENCE_DAYS },
      linkedChildren: { count: env.LINKED_CHILDREN_COUNT, days: env.LINKED_CHILDREN_DAYS },
    },
    outOfAreaMiles: env.OUT_OF_AREA_MILES,
    alertEscalationMinutes: env.ALERT_ESCALATION_MINUTES,
    postcodeLookupUrl: env.POSTCODE_LOOKUP_URL,
    apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
    processes: env.LANTERN_PROCESSES,
    justice: {
      noContactDays: env.JUSTICE_NO_CONTACT_DAYS,
      supportReviewDays: env.JUSTICE_SUPPORT_REVIEW_DAYS,
    },
    trainingRenewalDays: env.TRAINING_RENEWAL_DAYS,
    retention: {
      childMonths: env.RETENTION_CHILD_MONTHS,
      sightingMonths: env.RETENTION_SIGHTING_MONTHS,
      nfaNoticeMonths: env.RETENTION_NFA_NOTICE_MONTHS,
      intelligenceEntityMonths: env.RETENTION_INTELLIGENCE_ENTITY_MONTHS,
    },
  };
}

/** A configuration for tests: nothing read from the environment but the database URL. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', LANTERN_DATA_DIR: '/tmp/lantern-test' }),
    ...overrides,
  };
}

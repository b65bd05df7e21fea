import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Clock } from '../context';
import type { Tx } from '../db/client';
import type { WithTransaction } from '../db/transaction';
import type { JobQueue } from '../jobs/jobs';
import type { Mailer, OutgoingMail } from './mailer';
import { sentMail } from './tables';

export interface QueuedMail extends OutgoingMail {
  /** Identifies this message for good: the same key is never sent twice. */
  key: string;
}

/**
 * The Message-ID of the message with this key, the same on every attempt: a job that sent but died
 * before recording it sends again under the same identity, so the receiving side can drop the copy.
 */
export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@lantern.invalid>`;
}

export class MailService {
  constructor(
    private readonly withTransaction: WithTransaction,
    private readonly jobs: JobQueue,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
  ) {}

  /** Queues a message in the caller's transaction: it is sent only if the change commits. */
  async queue(tx: Tx, mail: QueuedMail): Promise<void> {
    await this.jobs.enqueue(tx, 'mail.send', { ...mail }, { singletonKey: mail.key });
  }

  /** Queues several messages in the caller's transaction, in one statement. */
  async queueMany(tx: Tx, mails: QueuedMail[]): Promise<void> {
    await this.jobs.enqueueMany(
      tx,
      'mail.send',
      mails.map((mail) => ({ data: { ...mail }, singletonKey: mail.key })),
    );
  }

  /** The mail.send job. Idempotent: a key already sent is skipped. */
  async deliver(data: Record<string, unknown>): Promise<'sent' | 'already sent'> {
    const mail = data as unknown as QueuedMail;
    const [done] = await this.withTransaction((tx) =>
      tx.select().from(sentMail).where(eq(sentMail.key, mail.key)),
    );
    if (done) return 'already sent';
    const messageId = messageIdFor(mail.key);
    await this.mailer.send({ to: mail.to, subject: mail.subject, text: mail.text }, messageId);
    await this.withTransaction((tx) =>
      tx
        .insert(sentMail)
        .values({ key: mail.key, messageId, sentAt: this.clock.now() })
        .onConflictDoNothing(),
    );
    return 'sent';
  }
}

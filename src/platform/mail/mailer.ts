import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from '../../config';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends over SMTP when SMTP_URL is set; otherwise writes each message as an .eml file under the
 * data folder, so a trial install never sends mail anywhere.
 */
export class Mailer {
  private readonly transport: Transporter;
  private readonly outbox: string | null;

  constructor(private readonly config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir'>) {
    if (config.smtpUrl) {
      this.transport = nodemailer.createTransport(config.smtpUrl);
      this.outbox = null;
    } else {
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
      this.outbox = path.join(config.dataDir, 'mail');
    }
  }

  /** Sends one message; returns its Message-ID. */
  async send(mail: OutgoingMail, messageId: string): Promise<string> {
    const info = await this.transport.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId,
      headers: { 'X-Lantern-Marking': 'OFFICIAL-SENSITIVE' },
    });
    if (this.outbox) {
      mkdirSync(this.outbox, { recursive: true });
      const safe = messageId.replace(/[^A-Za-z0-9._-]/g, '_');
      writeFileSync(path.join(this.outbox, `${safe}.eml`), (info as unknown as { message: Buffer }).message);
    }
    return messageId;
  }

  close(): void {
    this.transport.close();
  }
}

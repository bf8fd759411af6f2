import fp from 'fastify-plugin';
import nodemailer from 'nodemailer';
import type { Mailer, MailMessage } from '../services/mail.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** This instance's mailer (FORGE_SMTP_URL); `enabled` is false without it. */
    mailer: Mailer;
  }
}

/**
 * The forge's mailer: one nodemailer transport per app instance, built from FORGE_SMTP_URL. Mails
 * are sent in the background (an answer never waits for the mail server); on close, the mails
 * still on their way are awaited, then the transport's connections are closed.
 */
export default fp(
  async (fastify) => {
    const { smtpUrl, mailFrom } = fastify.forge.config;
    if (smtpUrl === null) {
      fastify.decorate('mailer', {
        enabled: false,
        send: () => {
          throw new Error('FORGE_SMTP_URL is not set: no mail can be sent');
        },
      } satisfies Mailer);
      return;
    }
    const transport = nodemailer.createTransport(smtpUrl);
    const pending = new Set<Promise<void>>();
    const mailer: Mailer = {
      enabled: true,
      send(message: MailMessage) {
        const sending = transport
          .sendMail({ from: mailFrom, to: message.to, subject: message.subject, text: message.text })
          .then(
            () => undefined,
            (err: unknown) => fastify.log.error({ err, subject: message.subject }, 'a mail could not be sent'),
          )
          .finally(() => pending.delete(sending));
        pending.add(sending);
      },
    };
    fastify.decorate('mailer', mailer);
    fastify.addHook('onClose', async () => {
      await Promise.all([...pending]);
      transport.close();
    });
  },
  { name: 'fabrique-mailer', dependencies: ['fabrique-db'] },
);

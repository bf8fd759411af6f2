import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

/** A mail as the test SMTP server received it. */
export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
}

/** A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps every mail it receives, parsed by mailparser. */
export interface Mailbox {
  /** FORGE_SMTP_URL for the forge under test. */
  url: string;
  mails: ReceivedMail[];
  /** The next mail to this address not yet taken (waits for it to arrive). */
  next(to: string): Promise<ReceivedMail>;
  close(): Promise<void>;
}

const addressesOf = (field: ParsedMail['to']): string[] =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) => group.value.map((a) => (a.address ?? '').toLowerCase()));

/** Starts the mailbox on an ephemeral port. */
export async function startMailbox(): Promise<Mailbox> {
  const mails: ReceivedMail[] = [];
  const taken = new Set<ReceivedMail>();
  const waiters: Array<() => void> = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to trust in the test.
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          for (const to of addressesOf(parsed.to)) {
            mails.push({ to, from: parsed.from?.text ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '' });
          }
          waiters.splice(0).forEach((wake) => wake());
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    mails,
    async next(to) {
      for (;;) {
        const mail = mails.find((m) => m.to === to.toLowerCase() && !taken.has(m));
        if (mail) {
          taken.add(mail);
          return mail;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The one-time link a forge mail carries (its first URL with a token). */
export function linkIn(mail: ReceivedMail): URL {
  const match = /https?:\/\/\S+\?token=[A-Za-z0-9_-]+/.exec(mail.text);
  if (!match) throw new Error(`no link in the mail: ${mail.text}`);
  return new URL(match[0]);
}

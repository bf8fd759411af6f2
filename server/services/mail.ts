import type { Language } from '../../contract/languages.js';

/** One mail the forge sends: plain text, to one address. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends the forge's mails; `enabled` is false when FORGE_SMTP_URL is unset, and then `send` must not be called. */
export interface Mailer {
  readonly enabled: boolean;
  /**
   * Queues a mail and returns at once: the caller's answer must not wait for (or reveal, by its
   * timing) a mail server. Failures are logged by the mailer; close() waits for queued mails.
   */
  send(message: MailMessage): void;
}

/** The mail kinds the forge sends about an account. */
export type AccountMail = 'password_reset' | 'email_confirm';

const TEXT: Record<Language, Record<AccountMail, { subject: (site: string) => string; body: (o: { site: string; login: string; link: string; hours: number }) => string }>> = {
  fr: {
    password_reset: {
      subject: (site) => `${site} : réinitialiser votre mot de passe`,
      body: ({ site, login, link, hours }) =>
        `Bonjour ${login},\n\nQuelqu'un (sans doute vous) a demandé à réinitialiser le mot de passe de votre compte sur ${site}.\n` +
        `Pour choisir un nouveau mot de passe, ouvrez ce lien (valable ${hours} heure, une seule fois) :\n\n${link}\n\n` +
        `Si vous n'avez rien demandé, ignorez ce message : votre mot de passe ne change pas.\n`,
    },
    email_confirm: {
      subject: (site) => `${site} : confirmer votre adresse électronique`,
      body: ({ site, login, link, hours }) =>
        `Bonjour ${login},\n\nPour confirmer que cette adresse est bien celle de votre compte sur ${site}, ouvrez ce lien (valable ${hours} heures) :\n\n${link}\n\n` +
        `Si vous n'avez pas de compte sur ${site}, ignorez ce message.\n`,
    },
  },
  en: {
    password_reset: {
      subject: (site) => `${site}: reset your password`,
      body: ({ site, login, link, hours }) =>
        `Hello ${login},\n\nSomeone (probably you) asked to reset the password of your account on ${site}.\n` +
        `To choose a new password, open this link (valid for ${hours} hour, once):\n\n${link}\n\n` +
        `If you did not ask for it, ignore this message: your password does not change.\n`,
    },
    email_confirm: {
      subject: (site) => `${site}: confirm your e-mail address`,
      body: ({ site, login, link, hours }) =>
        `Hello ${login},\n\nTo confirm that this address belongs to your account on ${site}, open this link (valid for ${hours} hours):\n\n${link}\n\n` +
        `If you have no account on ${site}, ignore this message.\n`,
    },
  },
};

/** The text of an account mail in the account's language (French when unknown). */
export function accountMail(kind: AccountMail, options: { to: string; language: string; site: string; login: string; link: string; hours: number }): MailMessage {
  const text = TEXT[options.language === 'en' ? 'en' : 'fr'][kind];
  return { to: options.to, subject: text.subject(options.site), text: text.body(options) };
}

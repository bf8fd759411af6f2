import { Type, type Static } from '@sinclair/typebox';

/** `POST /auth/password-reset`: the e-mail address or username of the account that forgot its password. */
export const PasswordResetRequestBody = Type.Object({
  login: Type.String({ minLength: 1, maxLength: 254, description: 'E-mail address or username' }),
});
export type PasswordResetRequestBody = Static<typeof PasswordResetRequestBody>;

/** The one answer to a reset request, whether or not an account matched. */
export const PasswordResetRequested = Type.Object({ message: Type.String() });
export type PasswordResetRequested = Static<typeof PasswordResetRequested>;

/** A one-time token from a mailed link. */
export const AccountTokenBody = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) });
export type AccountTokenBody = Static<typeof AccountTokenBody>;

/** `POST /auth/password-reset/complete`: the link's token and the new password. */
export const PasswordResetCompleteBody = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 100 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type PasswordResetCompleteBody = Static<typeof PasswordResetCompleteBody>;

/** Whom a live reset link is for, so the page can name the account. */
export const PasswordResetToken = Type.Object({ login: Type.String() });
export type PasswordResetToken = Static<typeof PasswordResetToken>;

/** Gitea's UserSettings (`GET`/`PATCH /user/settings`), with the address and whether it is confirmed. */
export const UserSettings = Type.Object({
  full_name: Type.String(),
  website: Type.String(),
  description: Type.String(),
  location: Type.String(),
  language: Type.String(),
  theme: Type.String(),
  diff_view_style: Type.String(),
  hide_email: Type.Boolean(),
  hide_activity: Type.Boolean(),
  email: Type.String(),
  email_confirmed: Type.Boolean(),
  avatar_url: Type.String(),
  has_avatar: Type.Boolean(),
});
export type UserSettings = Static<typeof UserSettings>;

/** Gitea's UserSettingsOptions, plus `email`. */
export const UserSettingsBody = Type.Object({
  full_name: Type.Optional(Type.String({ maxLength: 255 })),
  website: Type.Optional(Type.String({ maxLength: 255 })),
  description: Type.Optional(Type.String({ maxLength: 255 })),
  location: Type.Optional(Type.String({ maxLength: 50 })),
  email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
});
export type UserSettingsBody = Static<typeof UserSettingsBody>;

/** Gitea's UpdateUserAvatarOption: the image, base64-encoded (PNG, JPEG or WebP, at most 1 MB). */
export const AvatarBody = Type.Object({ image: Type.String({ minLength: 1, maxLength: 2 * 1024 * 1024 }) });
export type AvatarBody = Static<typeof AvatarBody>;

/** Gitea's Email (`GET /user/emails`). */
export const Email = Type.Object({ email: Type.String(), verified: Type.Boolean(), primary: Type.Boolean() });
export type Email = Static<typeof Email>;

/** The instance as the home page and the header show it. */
export const SiteInfo = Type.Object({
  name: Type.String(),
  intro_html: Type.String({ description: 'The introduction, rendered and sanitised' }),
  logo_url: Type.Union([Type.String(), Type.Null()]),
});
export type SiteInfo = Static<typeof SiteInfo>;

/** What an administrator sees and edits (`/admin/site`). */
export const SiteSettings = Type.Object({
  ...SiteInfo.properties,
  intro: Type.String({ description: 'The introduction, in Markdown' }),
});
export type SiteSettings = Static<typeof SiteSettings>;

/** `PATCH /admin/site`. */
export const SiteSettingsBody = Type.Object({ intro: Type.Optional(Type.String({ maxLength: 20_000 })) });
export type SiteSettingsBody = Static<typeof SiteSettingsBody>;

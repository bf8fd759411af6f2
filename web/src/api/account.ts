import { request } from './client.js';
import type { Email, PasswordResetRequested, PasswordResetToken, SiteInfo, SiteSettings, SiteSettingsBody, UserSettings, UserSettingsBody } from '../../../contract/accounts.js';
import type { User } from '../../../contract/users.js';

export type { SiteInfo, SiteSettings, UserSettings };

/** `POST /api/v1/auth/password-reset`: mails a reset link if an account has this address or name (the answer never says). */
export function requestPasswordReset(login: string): Promise<PasswordResetRequested> {
  return request<PasswordResetRequested>('/api/v1/auth/password-reset', { method: 'POST', body: { login } });
}

/** `POST /api/v1/auth/password-reset/check`: whom a reset link is for (fails once it is spent or expired). */
export function checkResetToken(token: string, signal?: AbortSignal): Promise<PasswordResetToken> {
  return request<PasswordResetToken>('/api/v1/auth/password-reset/check', { method: 'POST', body: { token }, signal });
}

/** `POST /api/v1/auth/password-reset/complete`: sets the new password and spends the link. */
export function completePasswordReset(token: string, password: string): Promise<PasswordResetToken> {
  return request<PasswordResetToken>('/api/v1/auth/password-reset/complete', { method: 'POST', body: { token, password } });
}

/** `POST /api/v1/auth/email/confirm`: follows a confirmation link. */
export function confirmEmail(token: string, signal?: AbortSignal): Promise<Email> {
  return request<Email>('/api/v1/auth/email/confirm', { method: 'POST', body: { token }, signal });
}

/** `GET /api/v1/user/settings`. */
export function getSettings(signal?: AbortSignal): Promise<UserSettings> {
  return request<UserSettings>('/api/v1/user/settings', { signal });
}

/** `PATCH /api/v1/user/settings`. */
export function updateSettings(body: UserSettingsBody): Promise<UserSettings> {
  return request<UserSettings>('/api/v1/user/settings', { method: 'PATCH', body });
}

/** `POST /api/v1/user/emails/confirmation`: sends the confirmation link again. */
export async function resendConfirmation(): Promise<void> {
  await request<null>('/api/v1/user/emails/confirmation', { method: 'POST' });
}

/** `POST /api/v1/user/avatar` with the image's bytes in base64 (Gitea's shape). */
export async function uploadAvatar(image: string): Promise<void> {
  await request<null>('/api/v1/user/avatar', { method: 'POST', body: { image } });
}

/** `DELETE /api/v1/user/avatar`: back to the generated identicon. */
export async function removeAvatar(): Promise<void> {
  await request<null>('/api/v1/user/avatar', { method: 'DELETE' });
}

/** `GET /api/v1/users/{username}`: a public profile. */
export function getUser(username: string, signal?: AbortSignal): Promise<User> {
  return request<User>(`/api/v1/users/${encodeURIComponent(username)}`, { signal });
}

/** `GET /api/v1/site`: the instance's name, introduction and logo. */
export function getSite(signal?: AbortSignal): Promise<SiteInfo> {
  return request<SiteInfo>('/api/v1/site', { signal });
}

/** `GET /api/v1/admin/site`. */
export function getSiteSettings(signal?: AbortSignal): Promise<SiteSettings> {
  return request<SiteSettings>('/api/v1/admin/site', { signal });
}

/** `PATCH /api/v1/admin/site`. */
export function updateSiteSettings(body: SiteSettingsBody): Promise<SiteSettings> {
  return request<SiteSettings>('/api/v1/admin/site', { method: 'PATCH', body });
}

/** `POST /api/v1/admin/site/logo` (base64), or `DELETE` with null. */
export function setSiteLogo(image: string | null): Promise<SiteSettings> {
  return image === null
    ? request<SiteSettings>('/api/v1/admin/site/logo', { method: 'DELETE' })
    : request<SiteSettings>('/api/v1/admin/site/logo', { method: 'POST', body: { image } });
}

/** A chosen file's bytes in base64, as the avatar and logo endpoints take them. */
export function fileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

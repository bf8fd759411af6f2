import { t } from './i18n/index.js';
import { GHOST_LOGIN } from '../../contract/account-data.js';

/** How a page names the author of something: the login, or "deleted user" in the page's language for what a deleted account wrote. */
export function authorName(user: { login: string }): string {
  return user.login === GHOST_LOGIN ? t('privacy.deletedUser') : user.login;
}

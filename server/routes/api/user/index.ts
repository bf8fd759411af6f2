import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { allowsUserScope, requireAccount } from '../../../services/auth.js';
import { removeAvatar, updateSettings, uploadAvatar } from '../../../services/profile.js';
import { resendEmailConfirmation } from '../../../services/email-confirm.js';
import { avatarUrl } from '../../../lib/avatars.js';
import { forbidden } from '../../../errors.js';
import type { UserRow } from '../../../views/account.js';
import { Message, User, presentUser } from '../users/schema.js';
import { AvatarBody, Email, UserSettings, UserSettingsBody } from '../../../../contract/accounts.js';
import accountDataRoutes from './account-data.js';

const errors = { 401: Message, 403: Message, 409: Message, 413: Message, 422: Message };

/** The signed-in account (`GET /user`), its settings, addresses and avatar, as in Gitea. */
const userRoutes: FastifyPluginAsyncTypebox = async (fastify) => {
  const { db, config } = fastify.forge;
  const mailContext = () => ({ db, config, mailer: fastify.mailer });
  await fastify.register(accountDataRoutes);

  const settingsOf = (user: UserRow): UserSettings => ({
    full_name: user.full_name,
    website: user.website,
    description: user.description,
    location: user.location,
    language: user.language,
    theme: '',
    diff_view_style: '',
    hide_email: true,
    hide_activity: false,
    email: user.email ?? '',
    email_confirmed: user.email_confirmed === 1,
    avatar_url: avatarUrl(config.baseUrl, user),
    has_avatar: user.avatar !== '',
  });

  fastify.get('/user', { config: { scope: 'read:user' }, schema: { tags: ['user'], response: { 200: User, 401: Message, 403: Message } } }, async (request) => {
    const actor = requireAccount(request.actor);
    if (!allowsUserScope(actor, 'read')) throw forbidden('This token lacks the read:user scope.');
    return presentUser(actor.user, actor, config.baseUrl);
  });

  fastify.get('/user/settings', { config: { scope: 'read:user' }, schema: { tags: ['user'], response: { 200: UserSettings, ...errors } } }, async (request) =>
    settingsOf(requireAccount(request.actor).user),
  );

  fastify.patch(
    '/user/settings',
    { config: { scope: 'write:user' }, schema: { tags: ['user'], body: UserSettingsBody, response: { 200: UserSettings, ...errors } } },
    async (request) => {
      const actor = requireAccount(request.actor);
      return settingsOf(await updateSettings(mailContext(), { actor, ip: request.ip }, actor.user, request.body));
    },
  );

  fastify.get('/user/emails', { config: { scope: 'read:user' }, schema: { tags: ['user'], response: { 200: Type.Array(Email), ...errors } } }, async (request) => {
    const { user } = requireAccount(request.actor);
    return user.email === null ? [] : [{ email: user.email, verified: user.email_confirmed === 1, primary: true }];
  });

  // Fabrique's own: sends the confirmation link of an unconfirmed address again.
  fastify.post(
    '/user/emails/confirmation',
    { config: { scope: 'write:user' }, schema: { tags: ['user'], response: { 202: Type.Null(), ...errors } } },
    async (request, reply) => {
      const { user } = requireAccount(request.actor);
      await resendEmailConfirmation(mailContext(), user);
      return reply.status(202).send(null);
    },
  );

  fastify.post(
    '/user/avatar',
    { config: { scope: 'write:user' }, schema: { tags: ['user'], body: AvatarBody, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await uploadAvatar(db, config.dataDir, requireAccount(request.actor).user, request.body.image);
      return reply.status(204).send(null);
    },
  );

  fastify.delete('/user/avatar', { config: { scope: 'write:user' }, schema: { tags: ['user'], response: { 204: Type.Null(), ...errors } } }, async (request, reply) => {
    await removeAvatar(db, requireAccount(request.actor).user);
    return reply.status(204).send(null);
  });
};

export default userRoutes;

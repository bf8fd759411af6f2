import { Type } from '@sinclair/typebox';
import { Paging } from '../repos/schema.js';

export { CreateHookOption, EditHookOption, Hook, HookDelivery } from '../../../../contract/webhooks.js';
export { errors } from '../repos/schema.js';

const Name = Type.String({ minLength: 1, maxLength: 100 });
const Id = Type.Integer({ minimum: 1 });
const Uuid = Type.String({ minLength: 1, maxLength: 64 });

export const RepoHooksParams = Type.Object({ owner: Name, repo: Name });
export const RepoHookParams = Type.Object({ owner: Name, repo: Name, id: Id });
export const RepoDeliveryParams = Type.Object({ owner: Name, repo: Name, id: Id, uuid: Uuid });
export const OrgHooksParams = Type.Object({ org: Name });
export const OrgHookParams = Type.Object({ org: Name, id: Id });
export const OrgDeliveryParams = Type.Object({ org: Name, id: Id, uuid: Uuid });
export const AdminHookParams = Type.Object({ id: Id });
export const AdminDeliveryParams = Type.Object({ id: Id, uuid: Uuid });
export const DeliveriesQuery = Paging;

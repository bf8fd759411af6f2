import { Type } from '@sinclair/typebox';

export { CreatedUser, SetupBody, SetupStatus } from '../../../../contract/auth.js';

export const Message = Type.Object({ message: Type.String() }, { additionalProperties: true });

import { Type, type TSchema } from '@sinclair/typebox';

/** A value of `schema`, or null (TypeBox has no shorthand for Gitea's many nullable fields). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

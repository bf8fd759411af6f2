import type { FastifyServerOptions } from 'fastify';
import ValidatorSelector from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type Factory<Compiled> = (externalSchemas: unknown, options?: never) => (route: never) => Compiled;

/**
 * Fastify compiles every route's validators (ajv) and response serializers (fast-json-stringify) at
 * start: generated code for ~600 routes, most of which a running forge never calls (bench/memory.ts:
 * about 10 MB of generated source alone). These factories compile a route's on its first request instead.
 */
function lazily<Compiled extends (data: unknown) => unknown>(factory: Factory<Compiled>, copyErrors: boolean): Factory<Compiled> {
  return (externalSchemas, options) => {
    const compile = factory(externalSchemas, options);
    return (route) => {
      let compiled: Compiled | undefined;
      const first = ((data: unknown) => {
        compiled ??= compile(route);
        const result = compiled(data);
        // ajv reports why data is invalid on the function itself; Fastify reads it there.
        if (copyErrors) (first as unknown as { errors: unknown }).errors = (compiled as unknown as { errors: unknown }).errors;
        return result;
      }) as Compiled;
      return first;
    };
  };
}

/** Fastify's default schema compilers, each route's compiled on its first request. */
export const lazySchemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    buildValidator: lazily(ValidatorSelector() as unknown as Factory<(data: unknown) => unknown>, true) as never,
    buildSerializer: lazily(SerializerSelector() as unknown as Factory<(data: unknown) => unknown>, false) as never,
  },
};

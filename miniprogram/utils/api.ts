/**
 * Types of the platform API, derived from typings/api.d.ts, which openapi-typescript generates from
 * ../backend/openapi.yaml (`npm run gen:api`; tests/apiTypes.test.ts fails when it drifts).
 */
import type { components, paths } from '../typings/api'

export type { paths }
export type Schemas = components['schemas']
// wx.request has no PATCH.
export type Method = 'get' | 'post' | 'put' | 'delete'

/** The paths that have an operation for `M`. */
export type PathFor<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P
}[keyof paths]

type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>

export type PathParams<P extends keyof paths, M extends Method> = Op<P, M> extends { parameters: { path: infer X } }
  ? X extends Record<string, unknown>
    ? X
    : never
  : never

export type QueryParams<P extends keyof paths, M extends Method> = Op<P, M> extends {
  parameters: { query?: infer Q }
}
  ? NonNullable<Q>
  : never

export type Body<P extends keyof paths, M extends Method> = Op<P, M> extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : undefined

export type Reply<P extends keyof paths, M extends Method> = Op<P, M> extends { responses: infer R }
  ? R extends { 200: infer A }
    ? Json<A>
    : R extends { 201: infer B }
      ? Json<B>
      : R extends { 202: infer C }
        ? Json<C>
        : undefined
  : never

export type ErrorItem = { code: string; detail: string; attr: string | null }

import createClient from 'openapi-fetch'
import { ApiError, networkError, toApiError } from './errors'
import type { paths } from './schema'
import { authFetch } from './transport'

/** Typed client of the public API (`/api/v1/...`), generated types from backend/openapi.yaml. */
export const api = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? 'http://localhost',
  fetch: (request) => authFetch(request),
})

interface Answer<T> {
  data?: T
  error?: unknown
  response: Response
}

/**
 * Await an openapi-fetch call and return its data, or throw an ApiError (the API's error body, or a message in
 * the UI's language when the server could not be reached or answered something else).
 */
export async function call<T>(promise: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>
  try {
    answer = await promise
  } catch (err) {
    if (err instanceof ApiError) throw err
    throw networkError()
  }
  if (!answer.response.ok) throw toApiError(answer.response.status, answer.error)
  return answer.data as T
}

/** Body serializer for multipart uploads (`file` and plain fields). */
export function formData(body: Record<string, unknown>): FormData {
  const fd = new FormData()
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined || value === null) continue
    fd.append(key, value instanceof Blob ? value : String(value))
  }
  return fd
}

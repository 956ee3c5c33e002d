import type { RestRoute } from './types';

/**
 * `POST /api/v1/auth/token` with `{"username", "password"}` or `{"apiKey"}` → `{ access_token,
 * token_type: "Bearer", expires_in }`: a short-lived JWT for `Authorization: Bearer` (`auth.token`).
 */
export const authRoutes: RestRoute[] = [
  {
    method: 'POST',
    path: '/api/v1/auth/token',
    summary: 'Exchange a password or an API key for a short-lived bearer token',
    call: 'auth.token',
    input: ({ body }) => body,
  },
];

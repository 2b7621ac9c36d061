import { getJson } from './get-json.js';

/** The signed-in person as Static Web Apps describes them. */
export interface CurrentUser {
  id: string;
  name: string;
  provider: string;
}

export type SignInProvider = 'github' | 'aad';

export const SIGN_IN_PROVIDERS: readonly { provider: SignInProvider; label: string }[] = [
  { provider: 'github', label: 'Sign in with GitHub' },
  { provider: 'aad', label: 'Sign in with Microsoft' },
];

interface ClientPrincipal {
  identityProvider?: unknown;
  userId?: unknown;
  userDetails?: unknown;
}

/**
 * Asks SWA who is signed in. A 200 with `clientPrincipal: null` means signed out, so the
 * status alone never decides it.
 */
export async function fetchCurrentUser(fetchFn: typeof fetch = fetch): Promise<CurrentUser | null> {
  const { body } = await getJson('/.auth/me', fetchFn, { what: 'The sign-in state' });
  const principal =
    typeof body === 'object' && body !== null
      ? (body as { clientPrincipal?: ClientPrincipal | null }).clientPrincipal
      : null;
  if (!principal || typeof principal.userId !== 'string' || principal.userId === '') return null;
  return {
    id: principal.userId,
    name: typeof principal.userDetails === 'string' ? principal.userDetails : principal.userId,
    provider: typeof principal.identityProvider === 'string' ? principal.identityProvider : '',
  };
}

export function signInUrl(provider: SignInProvider, returnTo: string): string {
  return `/.auth/login/${provider}?post_login_redirect_uri=${encodeURIComponent(returnTo)}`;
}

export const SIGN_OUT_URL = '/.auth/logout?post_logout_redirect_uri=/';

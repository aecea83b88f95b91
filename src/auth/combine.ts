import { AuthConfigError, type Authenticator, type Principal } from './types';

/** Try each authenticator in order; the first that recognises the token wins. */
export function combineAuthenticators(...authenticators: Authenticator[]): Authenticator {
  if (authenticators.length === 0) throw new AuthConfigError('no authentication is configured');
  if (authenticators.length === 1) return authenticators[0];
  const list = [...authenticators];
  return {
    async authenticate(token: string): Promise<Principal | null> {
      for (const a of list) {
        const principal = await a.authenticate(token);
        if (principal) return principal;
      }
      return null;
    },
    describe: () => list.map((a) => a.describe()).join('; '),
  };
}

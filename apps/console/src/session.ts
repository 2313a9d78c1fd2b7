/**
 * The API key, typed once per tab: kept in sessionStorage (gone when the tab closes), sent only
 * as a Bearer header, never put in a URL.
 */
const KEY = 'warden.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string): void => sessionStorage.setItem(KEY, key),
  signOut: (): void => sessionStorage.removeItem(KEY),
};

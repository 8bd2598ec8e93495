// The bearer token lives in this tab's sessionStorage only: never in the URL, a cookie or
// localStorage, so it goes when the tab closes and no other tab or site gets it.
const KEY = 'missions-board-token';

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};

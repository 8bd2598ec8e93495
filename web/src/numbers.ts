// Numbers for people: grouped digits in the viewer's locale, and spend in cents as the server keeps it.
const grouped = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export const num = (n: number | null | undefined): string => (n === null || n === undefined ? '—' : grouped.format(n));

/** "1,250 cents" (the server keeps spend and budgets in cents, of no named currency). */
export const cents = (n: number): string => `${num(n)} cent${n === 1 ? '' : 's'}`;

// What a connection string names, for messages: host, port and database, and the string itself
// with its password masked (postgres://user:***@host:5432/db). Never a password.

/** A --store value that names PostgreSQL (this file loads no driver, so anyone may ask). */
export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

export interface Target {
  host: string;
  port: number;
  database: string;
  /** The connection string with the password replaced by ***. */
  masked: string;
}

/** The URL with any password replaced by ***; an unparsable string shows only its scheme. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.set(key, '***');
    return u.toString().replace('%2A%2A%2A', '***');
  } catch {
    return `${url.split(':')[0]}://…`;
  }
}

export function describeTarget(url: string): Target {
  let host = 'localhost';
  let port = 5432;
  let database = '';
  try {
    const u = new URL(url);
    host = decodeURIComponent(u.hostname) || 'localhost';
    port = u.port ? Number(u.port) : 5432;
    database = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  } catch {
    // an unparsable string: pg reports its own error
  }
  return { host, port, database, masked: maskUrl(url) };
}

/** The URL without its password (and without query parameters that carry one), for a process that must not get it. */
export function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.delete(key);
    return u.toString();
  } catch {
    return `${url.split(':')[0]}://`;
  }
}

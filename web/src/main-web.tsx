// The board in a browser tab at GET /: an MCP client of this server's /mcp. When the server wants a
// token, the page asks for one and keeps it in this tab's sessionStorage only (src/token.ts).
import { render } from 'preact';
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import { Board } from './Board';
import { AuthError, McpHttpClient } from './mcp-http';
import { tokenStore } from './token';
import './board.css';

type State = { phase: 'connecting' } | { phase: 'token'; problem: string | null } | { phase: 'ready'; withToken: boolean } | { phase: 'failed'; problem: string };

function TokenForm({ problem, onToken }: { problem: string | null; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <main class="token">
      <h1>Missions</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onToken(value.trim());
        }}
      >
        <p>This server needs a token. It is kept in this tab only, until you close it.</p>
        <label>
          Token
          <input type="password" autoComplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} required aria-describedby={problem ? 'token-problem' : undefined} />
        </label>
        {problem && (
          <p id="token-problem" class="error" role="alert">
            {problem}
          </p>
        )}
        <button type="submit">Open the board</button>
      </form>
    </main>
  );
}

function WebBoard() {
  const client = useMemo(() => new McpHttpClient(new URL('/mcp', location.href).toString(), tokenStore.get), []);
  const [state, setState] = useState<State>({ phase: 'connecting' });

  const connect = useCallback(async () => {
    try {
      await client.connect();
      setState({ phase: 'ready', withToken: tokenStore.get() !== null });
    } catch (error) {
      if (!(error instanceof AuthError)) return setState({ phase: 'failed', problem: (error as Error).message });
      const refused = tokenStore.get() !== null;
      tokenStore.clear();
      setState({ phase: 'token', problem: refused ? 'That token was not accepted. Check it and try again.' : null });
    }
  }, [client]);

  useEffect(() => {
    void connect();
    const bye = () => client.close();
    addEventListener('pagehide', bye);
    return () => removeEventListener('pagehide', bye);
  }, []);

  const onAuthError = useCallback((error: unknown) => {
    if (!(error instanceof AuthError)) return false;
    tokenStore.clear();
    setState({ phase: 'token', problem: 'The token is no longer accepted. Enter a valid one.' });
    return true;
  }, []);

  const forget = () => {
    client.close();
    tokenStore.clear();
    setState({ phase: 'token', problem: null });
  };

  switch (state.phase) {
    case 'connecting':
      return <p class="muted center">Connecting…</p>;
    case 'failed':
      return <p class="error center" role="alert">Could not reach the server: {state.problem}</p>;
    case 'token':
      return <TokenForm problem={state.problem} onToken={(token) => (tokenStore.set(token), setState({ phase: 'connecting' }), void connect())} />;
    default:
      return (
        <Board
          api={client}
          onAuthError={onAuthError}
          toolbar={state.withToken && <button type="button" onClick={forget}>Forget token</button>}
        />
      );
  }
}

render(<WebBoard />, document.getElementById('board')!);

// The board as an MCP App, inside a host's frame: every call goes through the host
// (@modelcontextprotocol/ext-apps: App.callServerTool), with the host's connection and identity.
// When the host hands over getMission's result, the board opens that mission.
import { App } from '@modelcontextprotocol/ext-apps';
import { render } from 'preact';
import { resultOf, type BoardApi } from './api';
import { Board } from './Board';
import './board.css';

const app = new App({ name: 'missions-board', version: '1' });
const api: BoardApi = { call: async (name, args, meta) => resultOf((await app.callServerTool({ name, arguments: args, ...(meta && { _meta: meta }) })) as never) };

let openId: string | null = null;
const show = () => render(<Board api={api} openId={openId} />, document.getElementById('board')!);

app.ontoolresult = (params) => {
  const mission = (params.structuredContent as { mission?: { id?: string } } | undefined)?.mission;
  if (mission?.id) {
    openId = mission.id;
    show();
  }
};

await app.connect();
show();

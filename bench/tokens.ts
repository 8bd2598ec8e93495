// npm run bench:tokens — what missions-mcp costs an agent's context window, in o200k tokens (the
// tokenizer of current OpenAI models, a fair proxy for any): the whole tools/list answer and each
// tool's share of it, then the compact/full ratio of each tool's result text on realistic missions.
// A real SDK client talks to the real server in memory; nothing is estimated.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { realDeps } from '../src/deps.js';
import { createServer } from '../src/server.js';
import { allTools } from '../tools/index.js';
import { openMemoryStore } from '../src/store/index.js';
import { realisticMissions } from '../test/fixtures/missions.js';

const tokens = (value: unknown) => encode(typeof value === 'string' ? value : JSON.stringify(value)).length;
const pct = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;

async function main() {
  const { server } = createServer(realDeps(openMemoryStore(), { defaultMode: 'full' }), { tools: allTools, log: () => undefined });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'bench-tokens', version: '1.0.0' });
  await server.connect(b);
  await client.connect(a);

  const { tools } = await client.listTools();
  const total = tokens({ tools });
  console.log(`tools/list: ${total} o200k tokens for ${tools.length} tools (budget 4,400)`);
  console.log('  tool            total  input  output  description');
  for (const t of tools) {
    const row = [tokens(t), tokens(t.inputSchema), tokens(t.outputSchema ?? {}), tokens(t.description ?? '')];
    console.log(`  ${t.name.padEnd(15)} ${row.map((n, i) => String(n).padStart(i === 0 ? 5 : i === 3 ? 11 : 6)).join(' ')}`);
  }

  const text = async (name: string, args: Record<string, unknown>) => {
    const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
    const first = result.content[0];
    if (result.isError || !first || first.type !== 'text') throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
    return first.text;
  };
  const inputs = realisticMissions(20);
  const ids: string[] = [];
  for (const input of inputs) ids.push(JSON.parse(await text('createMission', { ...input, mode: 'compact' })).mission.id);

  // One sample per kind of mission (analytics, outreach, content campaign): full and compact text.
  const ratios: [string, number, number][] = [];
  const perKind = async (name: string, args: (i: number) => Record<string, unknown>) => {
    let full = 0;
    let compact = 0;
    for (let i = 0; i < 3; i++) {
      full += tokens(await text(name, { ...args(i), mode: 'full' }));
      compact += tokens(await text(name, { ...args(i), mode: 'compact' }));
    }
    ratios.push([name, full, compact]);
  };
  await perKind('createMission', (i) => inputs[i]!);
  await perKind('getMission', (i) => ({ id: ids[i] }));
  await perKind('updateMission', (i) => ({ id: ids[i], stats: { leads: 200 + i } }));
  await perKind('pauseMission', (i) => ({ id: ids[i] }));
  await perKind('resumeMission', (i) => ({ id: ids[i] }));
  const page = async (mode: string) => tokens(await text('listMissions', { limit: 20, mode }));
  ratios.push(['listMissions', await page('full'), await page('compact')]);

  console.log('\ncompact / full result text, realistic missions (3 kinds; listMissions: a page of 20)');
  console.log('  tool             full  compact  ratio');
  for (const [name, full, compact] of ratios) {
    console.log(`  ${name.padEnd(15)} ${String(full).padStart(5)} ${String(compact).padStart(8)}  ${pct(compact, full).padStart(5)}`);
  }
  console.log('  deleteMission   returns { id, deleted } in either case; it takes no mode');
  await client.close();
  await server.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

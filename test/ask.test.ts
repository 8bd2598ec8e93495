// src/ask.ts: one tool handler asks the person the same way on every era. A test-only tool asks for an
// approval and reports what it was told; it runs on the v1 server of 2025 sessions (elicitation/create
// sent by src/server.ts), on the v2 server for 2026-07-28 (an input-required result the SDK v2 client
// fulfils and retries), and on the v2 server for 2025 stdio (SDK v2's shim sends elicitation/create).
// A client that cannot be asked is never asked.
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHandler, InMemoryTransport as ModernInMemory } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { askPerson } from '../src/ask.js';
import { createModernServer } from '../src/modern/server.js';
import { createServer } from '../src/server.js';
import { defineTool } from '../src/tool.js';
import { testDeps } from './helpers.js';
import { MODERN } from './modern-helpers.js';

const confirm = defineTool({
  name: 'confirmThing',
  title: 'Confirm',
  description: 'test only',
  inputSchema: z.strictObject({ what: z.string() }),
  outputSchema: z.looseObject({ decision: z.string(), note: z.string().nullable(), asked: z.number() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  handler: async (args, deps) => {
    const answer = deps.ask?.answer('approve');
    if (!answer) {
      if (deps.ask?.canAsk) askPerson({ approve: { message: `Approve ${args.what}?`, requestedSchema: { type: 'object', properties: { note: { type: 'string' } } } } });
      return { decision: 'not asked', note: null, asked: 0 };
    }
    return { decision: answer.action, note: (answer.content?.note as string | undefined) ?? null, asked: 1 };
  },
});

const asked: string[] = [];
const person = (message: string) => {
  asked.push(message);
  return { action: 'accept' as const, content: { note: 'go ahead' } };
};

async function viaV1(canAsk: boolean) {
  const { server } = createServer(testDeps(), { tools: [confirm], log: () => undefined });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'ask', version: '1' }, { capabilities: canAsk ? { elicitation: {} } : {} });
  if (canAsk) client.setRequestHandler(ElicitRequestSchema, (r) => person(r.params.message));
  await server.connect(serverSide);
  await client.connect(clientSide);
  const result = await client.callTool({ name: 'confirmThing', arguments: { what: 'the 2025 session' } });
  await client.close();
  return result.structuredContent;
}

async function viaModern(canAsk: boolean) {
  const handler = createMcpHandler(() => createModernServer(testDeps(), { tools: [confirm], log: () => undefined, era: 'modern' }).server, { legacy: 'reject' });
  const client = new ModernClient({ name: 'ask', version: '1' }, { versionNegotiation: { mode: { pin: MODERN } }, capabilities: canAsk ? { elicitation: { form: {} } } : {} });
  if (canAsk) client.setRequestHandler('elicitation/create', (r) => person(r.params.message));
  await client.connect(new StreamableHTTPClientTransport(new URL('http://in-process/mcp'), { fetch: (url, init) => handler.fetch(new Request(url, init)) }));
  const result = await client.callTool({ name: 'confirmThing', arguments: { what: 'the 2026 request' } });
  await client.close();
  await handler.close();
  return result.structuredContent;
}

async function viaV2Legacy(canAsk: boolean) {
  const [clientSide, serverSide] = ModernInMemory.createLinkedPair();
  const connection = serveStdio(({ era }) => createModernServer(testDeps(), { tools: [confirm], log: () => undefined, era }).server, { transport: serverSide });
  const client = new Client({ name: 'ask', version: '1' }, { capabilities: canAsk ? { elicitation: {} } : {} });
  if (canAsk) client.setRequestHandler(ElicitRequestSchema, (r) => person(r.params.message));
  await client.connect(clientSide as never);
  const result = await client.callTool({ name: 'confirmThing', arguments: { what: 'the 2025 stdio connection' } });
  await client.close();
  await connection.close();
  return result.structuredContent;
}

describe('a tool asks the person, whatever the era', () => {
  for (const [era, via] of [['2025 session (SDK v1)', viaV1], ['2026-07-28 (input-required)', viaModern], ['2025 over stdio (SDK v2 shim)', viaV2Legacy]] as const) {
    it(`${era}: asked once, the tool gets the answer`, async () => {
      asked.length = 0;
      expect(await via(true)).toEqual({ decision: 'accept', note: 'go ahead', asked: 1 });
      expect(asked).toHaveLength(1);
      expect(asked[0]).toMatch(/^Approve the /);
    });

    it(`${era}: a client that cannot be asked is not asked`, async () => {
      asked.length = 0;
      expect(await via(false)).toEqual({ decision: 'not asked', note: null, asked: 0 });
      expect(asked).toEqual([]);
    });
  }
});

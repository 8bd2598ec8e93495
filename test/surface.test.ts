// What clients see, checked against a reviewed snapshot: initialize's capabilities and instructions,
// tools/list (names, descriptions, schemas, annotations), resources/templates/list, and which tools a
// read-only server offers. Any change to the advertised surface fails here until the snapshot is
// updated on purpose: `npm run snapshot:update`, then review the diff of test/surface.snapshot.json.
import { describe, expect, it } from 'vitest';
import { connectInMemory } from './helpers.js';

async function surface() {
  const h = await connectInMemory();
  const readOnly = await connectInMemory({ readOnly: true });
  const { name, title } = h.client.getServerVersion()!;
  const result = {
    serverInfo: { name, title },
    capabilities: h.client.getServerCapabilities(),
    instructions: h.client.getInstructions(),
    tools: (await h.client.listTools()).tools,
    resourceTemplates: (await h.client.listResourceTemplates()).resourceTemplates,
    readOnlyTools: (await readOnly.client.listTools()).tools.map((t) => t.name),
  };
  await h.close();
  await readOnly.close();
  return result;
}

describe('the advertised surface', () => {
  it('matches the reviewed snapshot (npm run snapshot:update to change it on purpose)', async () => {
    await expect(`${JSON.stringify(await surface(), null, 2)}\n`).toMatchFileSnapshot('./surface.snapshot.json');
  });
});

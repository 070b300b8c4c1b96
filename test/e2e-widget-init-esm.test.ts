import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ts from 'typescript';
import type { Browser } from 'playwright-core';
import { buildEsmWidget, buildWidgetTypes } from '../widget/build.ts';
import { launchBrowser } from './support/browser.ts';
import { gql, signIn } from './support/graphql-client.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';
import { waitFor } from './support/wait-for.ts';

const JOIN = 'mutation($code: String!){ joinSession(code: $code){ id } }';
const EXIT = 'mutation($id: ID!){ exitSession(sessionId: $id){ id } }';

/** A site using the widget's types the way a bundling site would; the ts-expect-error lines prove they are checked. */
const CONSUMER = `import { Cobrowse, type CobrowseEventMap, type WriteRequest } from './widget.mjs';
await Cobrowse.init({ ui: false, language: 'de', texts: { start: 'Hilfe' }, onWriteRequest: (request: WriteRequest) => request.agentName !== null });
const { code }: { code: string } = await Cobrowse.start({ metadata: { name: 'Ada' } });
Cobrowse.on('mode', ({ mode, by }) => console.log(mode satisfies 'POINTER' | 'GUIDED' | 'WRITE', by, code));
const state: CobrowseEventMap['state']['status'] = 'ACTIVE';
console.log(state);
// @ts-expect-error ui is a boolean
await Cobrowse.init({ ui: 'no' });
// @ts-expect-error no such text
await Cobrowse.init({ texts: { startButton: 'x' } });
// @ts-expect-error no such event
Cobrowse.on('joined', () => {});
`;

describe('the ESM build of the widget', () => {
  let server: TestServer;
  let site: Server;
  let siteUrl: string;
  let browser: Browser;

  before(async () => {
    await Promise.all([buildEsmWidget(), buildWidgetTypes()]);
    site = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      // The site imports the module from the co-browse server and draws its own button.
      response.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1>
<button id="help">Get help</button><output id="code"></output>
<script type="module">
import { Cobrowse } from '${server.url}/widget.mjs';
window.log = [];
await Cobrowse.init({ ui: false });
Cobrowse.on('agent-joined', (e) => log.push('joined ' + e.agentName));
document.getElementById('help').onclick = async () => (document.getElementById('code').textContent = (await Cobrowse.start()).code);
window.ready = true;
</script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    server = await startTestServer({ config: { allowedOrigins: [siteUrl] } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    site?.close();
  });

  it('runs a session from <script type="module">, without a global', async () => {
    const page = await (await browser.newContext()).newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(siteUrl);
    await waitFor(() => page.evaluate(() => (window as unknown as { ready?: boolean }).ready), 'the module to run');
    assert.equal(await page.evaluate(() => typeof window.Cobrowse), 'undefined', 'the ESM build sets no global');
    await page.click('#help');
    const code = await waitFor(async () => /^\d{9}$/.exec((await page.locator('#code').textContent()) ?? '')?.[0], 'the code');
    assert.equal(await page.getByTestId('cobrowse-start').count(), 0);

    const cookie = await signIn(server.url, 'agent@example.com');
    const joined = await gql<{ joinSession: { id: string } }>(server.url, JOIN, { code }, { cookie });
    assert.ok(joined.data, JSON.stringify(joined.errors));
    await waitFor(
      async () => (await page.evaluate(() => (window as unknown as { log: string[] }).log)).includes('joined Alex Agent'),
      'agent-joined',
    );
    await gql(server.url, EXIT, { id: joined.data.joinSession.id }, { cookie });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('is served with its generated types, which type-check a consumer', async () => {
    const served = await fetch(`${server.url}/widget.d.mts`);
    assert.equal(served.status, 200);
    const types = await served.text();
    assert.equal(types, await readFile(path.join(import.meta.dirname, '..', 'dist', 'widget.d.mts'), 'utf8'));
    assert.match(types, /export declare const Cobrowse: CobrowseApi;/);
    assert.doesNotMatch(types, /from ['"]/, 'self-contained');

    const dir = await mkdtemp(path.join(tmpdir(), 'cobrowse-types-'));
    try {
      await writeFile(path.join(dir, 'widget.d.mts'), types);
      await writeFile(path.join(dir, 'site.mts'), CONSUMER);
      const program = ts.createProgram([path.join(dir, 'site.mts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
        types: [],
      });
      const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      assert.deepEqual(problems, []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

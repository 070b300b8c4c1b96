import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before } from 'node:test';

/** A file the site serves as it is (no CORS headers, as most sites serve theirs). */
export interface SiteFile {
  type: string;
  body: Buffer;
  /** A cookie (`name=value`) without which the file is refused, as behind a login. */
  needsCookie?: string;
}

/**
 * For a browser suite: a customer's site on an origin of its own, started before the suite and
 * stopped after it. Each page embeds the widget from the co-browse server where it says
 * `<!--widget-->` (else at the end of its body); `files` are served with byte ranges (without
 * them Chromium cannot seek in media).
 */
export function siteServer(files: Record<string, SiteFile> = {}) {
  let server: Server;
  let pages: Record<string, string> = {};
  let widgetUrl = '';
  const site = {
    origin: '',
    /** From now on the site has these pages (by path), with the widget of the server at `serverUrl` (none without). */
    serve(next: Record<string, string>, serverUrl?: string) {
      pages = next;
      widgetUrl = serverUrl ? `${serverUrl}/widget.js` : '';
    },
  };
  before(async () => {
    server = createServer((request, response) => {
      const file = files[request.url!];
      if (file?.needsCookie && !(request.headers.cookie ?? '').split('; ').includes(file.needsCookie)) {
        response.writeHead(403, { 'content-type': 'text/plain' });
        return response.end('Sign in first');
      }
      if (file) {
        const { body } = file;
        const [, from = '0', to = String(body.length - 1)] = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '') ?? [];
        const part = body.subarray(Number(from), Number(to || body.length - 1) + 1);
        response.writeHead(request.headers.range ? 206 : 200, {
          'content-type': file.type,
          'accept-ranges': 'bytes',
          'content-length': part.length,
          ...(request.headers.range && { 'content-range': `bytes ${from}-${Number(from) + part.length - 1}/${body.length}` }),
        });
        return response.end(part);
      }
      const body = pages[request.url!] ?? '<p>Nothing here</p>';
      const script = widgetUrl && `<script src="${widgetUrl}"></script>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><title>Test site</title><body>${body.includes('<!--widget-->') ? body.replace('<!--widget-->', script) : body + script}</body>`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return site;
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RequestHandler } from 'express';

/** The built widget at /widget.js (and its chat window, /widget-chat.js), loadable from any site that embeds it. */
export function serveWidget(repoRoot: string, name = 'widget.js'): RequestHandler {
  const file = path.join(repoRoot, 'dist', name);
  return async (_req, res) => {
    try {
      const body = await readFile(file);
      res.set({
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
        'access-control-allow-origin': '*',
      });
      res.send(body);
    } catch {
      res.status(503).type('text/plain').send('The widget is not built yet: run npm run build:widget.');
    }
  };
}

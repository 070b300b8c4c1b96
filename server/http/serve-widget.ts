import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import { LANGUAGES } from '../../widget/i18n/texts.ts';

/** The built widget at /widget.js (and its chat window, /widget-chat.js), loadable from any site that embeds it. */
export function serveWidget(repoRoot: string, name = 'widget.js'): RequestHandler {
  const file = path.join(repoRoot, 'dist', name);
  return async (_req, res) => {
    try {
      const body = await readFile(file);
      res.set({
        'content-type': name.endsWith('.d.mts') ? 'text/plain; charset=utf-8' : 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
        'access-control-allow-origin': '*',
      });
      res.send(body);
    } catch {
      res.status(503).type('text/plain').send('The widget is not built yet: run npm run build:widget.');
    }
  };
}

/**
 * Every file of the built widget, each at /<its name>: the script, its chat window, its Write Mode actions, its pointer and annotations, its canvas mirror, its language
 * chunks, the ESM build and that build's types, and the embed view's bridge client with its types.
 */
export function serveWidgetFiles(repoRoot: string): Router {
  const router = Router();
  const names = [
    'widget.js',
    'widget-chat.js',
    'widget-actions.js',
    'widget-assets.js',
    'widget-preview.js',
    'widget-pointer.js',
    'widget-cues.js',
    'widget-annotations.js',
    'widget-guided.js',
    'widget-tabs.js',
    'widget-invite.js',
    'widget-pack.js',
    'widget-canvas.js',
    'widget-lit-css.js',
    'widget-frames.js',
    'widget-child-frame.js',
    'widget.mjs',
    'widget.d.mts',
    'embed-client.mjs',
    'embed-client.d.mts',
    ...LANGUAGES.map((language) => `widget-i18n-${language}.js`),
  ];
  for (const name of names) router.get(`/${name}`, serveWidget(repoRoot, name));
  return router;
}

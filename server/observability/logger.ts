import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export type { Logger };

/**
 * Never logged, wherever they appear: sign-in cookies, API keys, customer tokens, passwords and
 * anything a customer typed. Masked values never reach the server at all (the widget masks
 * them in the customer's browser); these are ours.
 */
const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-cobrowse-customer-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.customerToken',
  '*.token',
  '*.apiKey',
];

export interface LoggerOptions {
  level: string;
  /** Where JSON lines go instead of stdout (tests capture or silence them). */
  lines?: (line: string) => void;
}

/** Structured JSON logs with levels (pino), secrets redacted. */
export function createLogger({ level, lines }: LoggerOptions): Logger {
  const options = { level, base: { service: 'cobrowse' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return lines ? pino(options, { write: (line: string) => lines(line) }) : pino(options);
}

/** Requests not worth a log line each: probes and static assets. */
const QUIET_PATHS = /^\/(healthz|readyz|metrics|_next\/|favicon)/;

/**
 * One log line per request with its status and duration, and a request id — the caller's
 * `X-Request-Id` when it looks sane, else a new one — echoed in the response for support.
 */
export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    autoLogging: { ignore: (req) => QUIET_PATHS.test(req.url ?? '') },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

import express, { type Router } from 'express';
import type { AppDeps } from '../../graphql/context.ts';
import { findUserByAuthToken } from '../auth/auth-sessions.ts';
import { requestSource, signInToken } from '../auth/embed-cookie.ts';
import { auditCsv, toExported } from '../audit/export-audit.ts';

/** GET /api/sessions/:id/audit.json|csv: a session's audit history as a file (supervisors, admins). */
export function auditExportRoute(deps: AppDeps): Router {
  const router = express.Router();
  router.get('/api/sessions/:id/audit.:format', async (req, res) => {
    const token = signInToken(requestSource(req), deps.config.publicOrigin);
    const user = await findUserByAuthToken(deps.db, token);
    if (!user) return void res.status(401).json({ error: 'Sign in first.' });
    if (user.role === 'AGENT') return void res.status(403).json({ error: 'Supervisors and admins only.' });
    const { id, format } = req.params;
    if (format !== 'json' && format !== 'csv') return void res.status(404).json({ error: 'Use .json or .csv.' });
    const session = await deps.db.session.findUnique({ where: { id }, select: { code: true } });
    if (!session) return void res.status(404).json({ error: 'No such session.' });
    const rows = await deps.db.auditEvent.findMany({ where: { sessionId: id }, orderBy: { sequence: 'asc' } });
    res.attachment(`session-${session.code}-audit.${format}`);
    if (format === 'json') res.json({ sessionId: id, code: session.code, events: rows.map(toExported) });
    else res.type('text/csv').send(auditCsv(rows));
  });
  return router;
}

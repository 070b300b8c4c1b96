import { ConfigError } from './core/config.ts';
import { startServer } from './start-server.ts';

// Process entry: `npm start` (production) or `npm run dev` (Next hot reload).
const dev = process.argv.includes('--dev');

try {
  const server = await startServer({ config: { dev } });
  let signals = 0;
  const shutdown = (signal: string) => {
    if (++signals > 1) process.exit(1); // a second Ctrl-C does not wait
    console.log(`${signal}: shutting down gracefully`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}

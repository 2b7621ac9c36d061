// `npm start`: the whole chat locally, offline, on the default ports. Ctrl-C stops everything.
import {
  DEFAULT_PORTS,
  PortInUseError,
  startStack,
  type RunningStack,
  type ServiceName,
} from './stack.js';

const width = Math.max(...Object.keys(DEFAULT_PORTS).map((name) => name.length));
const print = (service: ServiceName | 'start', line: string) =>
  process.stdout.write(`[${service.padEnd(width)}] ${line}\n`);

let stack: RunningStack | undefined;
let stopping = false;

async function shutDown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    print('start', 'stopping…');
    await stack?.stop();
  }
  process.exit(code);
}

process.on('SIGINT', () => void shutDown(0));
process.on('SIGTERM', () => void shutDown(0));

try {
  stack = await startStack({
    log: print,
    onUnexpectedExit: (service, code) => {
      if (stopping) return;
      print('start', `${service} exited unexpectedly (code ${code}); stopping the rest.`);
      void shutDown(1);
    },
  });
  print('start', `Chat is ready at ${stack.url}  (sign in with any name; Ctrl-C stops everything)`);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`npm start: ${message}\n`);
  if (!(error instanceof PortInUseError))
    process.stderr.write("(the lines above show each service's output)\n");
  await shutDown(1);
}

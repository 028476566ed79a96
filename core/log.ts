/**
 * Log lines start with the component: `agent: rolled back to revision 41`.
 * Lines go to stderr so command output on stdout stays machine-readable.
 * OGYGIA_LOG=debug shows debug lines; OGYGIA_LOG=quiet hides info lines.
 */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

export type LogSink = (line: string) => void;

const defaultSink: LogSink = (line) => process.stderr.write(line + '\n');

export function createLogger(component: string, sink: LogSink = defaultSink, level = process.env.OGYGIA_LOG ?? 'info'): Logger {
  const emit = (lvl: string, msg: string, data?: Record<string, unknown>): void => {
    const suffix = data && Object.keys(data).length > 0 ? ' ' + JSON.stringify(data) : '';
    sink(`${component}: ${lvl === 'info' ? '' : lvl + ': '}${msg}${suffix}`);
  };
  return {
    debug: (m, d) => (level === 'debug' ? emit('debug', m, d) : undefined),
    info: (m, d) => (level === 'quiet' ? undefined : emit('info', m, d)),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
  };
}

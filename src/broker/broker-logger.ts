/**
 * The logging surface the broker's plain classes use, so they run (and are unit-tested) without Nest.
 * The Nest module passes `new Logger(context)`, which satisfies it. Messages never carry secrets.
 */
export interface BrokerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function consoleLogger(context: string): BrokerLogger {
  return {
    log: (m) => console.log(`[${context}] ${m}`),
    warn: (m) => console.warn(`[${context}] ${m}`),
    error: (m) => console.error(`[${context}] ${m}`),
  };
}

export const silentLogger: BrokerLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

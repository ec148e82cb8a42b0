/** The part of a pino logger the messaging lib uses (so tests can pass a silent one). */
export interface MessagingLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: MessagingLogger = { info: () => {}, warn: () => {}, error: () => {} };

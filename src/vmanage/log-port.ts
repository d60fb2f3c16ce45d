/**
 * The logging port the vManage adapter writes to: structured object first, message second, as pino
 * takes them, so a pino logger can be passed as is. Nothing logged through it carries a credential.
 */
export interface LogPort {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

/** For callers that do not want logs. */
export const silentLog: LogPort = {
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

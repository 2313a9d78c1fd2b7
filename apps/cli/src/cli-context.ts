import type { Command } from 'commander';
import { wardenConnection } from './connection/warden-connection.js';
import { WardenApi } from './http/warden-api.js';
import { WardenHttp } from './http/warden-http.js';
import { styleFor, type Style } from './output/style.js';

/** The options every command takes (declared on the program, given before or after the command). */
interface GlobalOptions {
  readonly url?: string;
  readonly key?: string;
  readonly json?: boolean;
}

/** What a command's action works with: the API, where to print, and how. */
export class CliContext {
  readonly json: boolean;
  readonly style: Style;
  private readonly globals: GlobalOptions;

  constructor(
    command: Command,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.globals = command.optsWithGlobals<GlobalOptions>();
    this.json = this.globals.json === true;
    this.style = styleFor(stdout, env);
  }

  /** The API of the Warden the flags and environment name; found only by commands that call it. */
  api(): WardenApi {
    const connection = wardenConnection({ url: this.globals.url, key: this.globals.key }, this.env);
    return new WardenApi(new WardenHttp(connection.url, connection.apiKey));
  }

  /** A human line (or lines). */
  print(text = ''): void {
    this.stdout.write(`${text}\n`);
  }

  /** A note on stderr that does not end the command (stdout stays the command's output). */
  warn(text: string): void {
    process.stderr.write(`warden: ${text}\n`);
  }

  /** The JSON answer of `--json`: one document, indented. */
  printJson(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** One JSON line, for output that goes on (`incidents tail --json`). */
  printJsonLine(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** Raw bytes to stdout (an export), honouring back-pressure. */
  get output(): NodeJS.WriteStream {
    return this.stdout;
  }
}

/** The context of the command whose action runs (commander passes the command last). */
export function contextOf(command: Command): CliContext {
  return new CliContext(command);
}

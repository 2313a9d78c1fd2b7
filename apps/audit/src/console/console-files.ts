import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ConsoleFile {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** Finds `dist/console` (what `npm run build` makes of apps/console) above this file, from the sources and from `dist/`. */
function consoleDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'dist', 'console');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The built console, read once into memory: the page and its assets (a few files, tens of KB).
 * Only files the build wrote are served, looked up by name, so no path from a request ever
 * reaches the file system.
 */
export class ConsoleFiles {
  private constructor(
    readonly page: ConsoleFile | null,
    private readonly assets: ReadonlyMap<string, ConsoleFile>,
  ) {}

  static load(dir: string | null = consoleDir()): ConsoleFiles {
    if (dir === null) return new ConsoleFiles(null, new Map());
    const read = (path: string): ConsoleFile => ({ body: readFileSync(path), contentType: CONTENT_TYPES[extname(path)] ?? 'application/octet-stream' });
    const assetsDir = join(dir, 'assets');
    const names = existsSync(assetsDir) ? readdirSync(assetsDir) : [];
    return new ConsoleFiles(read(join(dir, 'index.html')), new Map(names.map((name) => [name, read(join(assetsDir, name))])));
  }

  asset(name: string): ConsoleFile | undefined {
    return this.assets.get(name);
  }
}

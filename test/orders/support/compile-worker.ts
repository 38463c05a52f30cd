import { transformFile } from '@swc/core';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await tsFiles(p)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/**
 * Transpiles src/ and the kill worker to plain CommonJS once per run (swc, path aliases resolved), so
 * each killed-and-restarted worker process boots in about a second instead of re-transpiling under ts-node.
 * Output lives under node_modules/.cache so package resolution still finds the project's node_modules.
 */
export async function compileKillWorker(): Promise<string> {
  const out = join(
    ROOT,
    'node_modules',
    '.cache',
    `tb-orders-kill-worker-${process.env.TEST_RUN_ID ?? 'local'}`,
  );
  const files = [...(await tsFiles(join(ROOT, 'src'))), join(__dirname, 'kill-worker.ts')];
  await Promise.all(
    files.map(async (f) => {
      const { code } = await transformFile(f, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          baseUrl: ROOT,
          paths: { '@/*': ['src/*'] },
        },
        module: { type: 'commonjs' },
        sourceMaps: false,
        swcrc: false,
      });
      const dest = join(out, relative(ROOT, f)).replace(/\.ts$/, '.js');
      await mkdir(dirname(dest), { recursive: true });
      await writeFile(dest, code);
    }),
  );
  return join(out, 'test', 'orders', 'support', 'kill-worker.js');
}

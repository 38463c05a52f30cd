/**
 * Jest transform for JavaScript under node_modules: ES modules (`.mjs`, or a package whose nearest
 * package.json says "type": "module", as NestJS 12 does) are compiled to CommonJS with SWC, because Jest's
 * runtime cannot require ES modules on Node 20. CommonJS files pass through untouched.
 */
const { createHash } = require('node:crypto');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const swc = require('@swc/core');

const typeCache = new Map();
function packageType(dir) {
  if (typeCache.has(dir)) return typeCache.get(dir);
  const pj = join(dir, 'package.json');
  let type;
  if (existsSync(pj)) {
    try {
      type = JSON.parse(readFileSync(pj, 'utf8')).type ?? 'commonjs';
    } catch {
      type = 'commonjs';
    }
  } else {
    const parent = dirname(dir);
    type = parent === dir ? 'commonjs' : packageType(parent);
  }
  typeCache.set(dir, type);
  return type;
}

function isEsm(filename) {
  if (filename.endsWith('.mjs')) return true;
  if (filename.endsWith('.cjs')) return false;
  return packageType(dirname(filename)) === 'module';
}

module.exports = {
  getCacheKey(src, filename) {
    return createHash('sha1').update('esm-to-cjs-v1').update(filename).update(src).digest('hex');
  },
  process(src, filename) {
    if (!isEsm(filename)) return { code: src };
    const out = swc.transformSync(src, {
      filename,
      sourceMaps: false,
      jsc: { target: 'es2022', parser: { syntax: 'ecmascript', importAttributes: true } },
      module: { type: 'commonjs', ignoreDynamic: false, importInterop: 'node' },
    });
    return { code: out.code };
  },
};

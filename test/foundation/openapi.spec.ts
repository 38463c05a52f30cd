import { readFileSync } from 'node:fs';
import { OPENAPI_FILE, renderOpenApi } from '../../scripts/openapi';

describe('openapi.json', () => {
  it('is what the app documents now (run `npm run openapi` after changing a route or DTO)', async () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    const current = await renderOpenApi();
    expect(JSON.parse(current)).toEqual(JSON.parse(committed));
    expect(current).toBe(committed);
  });
});

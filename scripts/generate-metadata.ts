/**
 * Writes src/metadata.ts: the @nestjs/swagger plugin's view of every DTO and controller, so Swagger shows
 * the same schemas under ts-node and jest (which don't run compiler plugins) as under `nest build`.
 */
import { PluginMetadataGenerator } from '@nestjs/cli/lib/compiler/plugins/plugin-metadata-generator';
import { join } from 'node:path';

// The plugin entry is an `exports` subpath that moduleResolution node10 cannot type; its shape is stable.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ReadonlyVisitor } = require('@nestjs/swagger/plugin') as {
  ReadonlyVisitor: new (o: object) => never;
};

export function generateMetadata(): void {
  new PluginMetadataGenerator().generate({
    visitors: [
      new ReadonlyVisitor({
        introspectComments: true,
        classValidatorShim: true,
        pathToSource: join(__dirname, '..', 'src'),
        dtoFileNameSuffix: ['.dto.ts', '.entity.ts'],
      }),
    ],
    outputDir: join(__dirname, '..', 'src'),
    watch: false,
    tsconfigPath: 'tsconfig.build.json',
    printDiagnostics: false,
  });
}

if (require.main === module) generateMetadata();

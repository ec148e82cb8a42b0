// `npm run openapi`: regenerates the public OpenAPI document and the SDK's types from the code.
// `npm run openapi -- --check`: exits 1 (and says which) when the committed files are stale.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateOpenApiDocument, generateSdkTypes, OPENAPI_PATH, SDK_TYPES_PATH, serialiseDocument } from './generate';

const ROOT = join(__dirname, '..', '..', '..');

function read(path: string): string | undefined {
  try {
    return readFileSync(join(ROOT, path), 'utf8');
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const doc = generateOpenApiDocument();
  const files: Array<[string, string]> = [
    [OPENAPI_PATH, serialiseDocument(doc)],
    [SDK_TYPES_PATH, await generateSdkTypes(doc)],
  ];
  const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  let stale = 0;
  for (const [path, text] of files) {
    if (read(path) === text) {
      console.log(`up to date  ${path}`);
      continue;
    }
    stale++;
    if (check) console.log(`STALE       ${path}`);
    else {
      mkdirSync(dirname(join(ROOT, path)), { recursive: true });
      writeFileSync(join(ROOT, path), text);
      console.log(`written     ${path}`);
    }
  }
  console.log(`${operations} operations, ${Object.keys(doc.components.schemas).length} schemas`);
  if (check && stale) {
    console.log('run `npm run openapi` and commit the result');
    process.exit(1);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});

// Fails when src/api/schema.d.ts differs from what openapi-typescript makes of ../backend/openapi.yaml:
// the committed types and the committed API contract must not drift. Fix with `npm run gen:api`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const web = join(dirname(fileURLToPath(import.meta.url)), '..')
const committed = join(web, 'src/api/schema.d.ts')
const dir = mkdtempSync(join(tmpdir(), 'pap-api-'))
const fresh = join(dir, 'schema.d.ts')
try {
  execFileSync(
    process.execPath,
    [join(web, 'node_modules/openapi-typescript/bin/cli.js'), join(web, '../backend/openapi.yaml'), '-o', fresh],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const a = readFileSync(committed, 'utf8')
  const b = readFileSync(fresh, 'utf8')
  if (a !== b) {
    console.error('web/src/api/schema.d.ts is stale against backend/openapi.yaml: run `npm run gen:api` in web/')
    process.exit(1)
  }
  console.log('check:api: src/api/schema.d.ts matches backend/openapi.yaml')
} finally {
  rmSync(dir, { recursive: true, force: true })
}

/**
 * typings/api.d.ts must be what openapi-typescript makes of ../backend/openapi.yaml today: the committed types
 * and the committed API contract must not drift (fix with `npm run gen:api`).
 */
import { execFileSync } from 'child_process'
import { mkdtempSync, readFileSync, rmSync } from 'fs'
import { tmpdir } from 'os'
import { join } from 'path'

test('typings/api.d.ts matches backend/openapi.yaml', () => {
  const root = join(__dirname, '..')
  const dir = mkdtempSync(join(tmpdir(), 'pap-mp-api-'))
  try {
    const fresh = join(dir, 'api.d.ts')
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/openapi-typescript/bin/cli.js'), join(root, '../backend/openapi.yaml'), '-o', fresh, '--default-non-nullable=false'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    const committed = readFileSync(join(root, 'typings/api.d.ts'), 'utf8')
    expect(committed === readFileSync(fresh, 'utf8')).toBe(true)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

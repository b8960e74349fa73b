/** Jest 30 + ts-jest (transpile only: `npm test` runs tsc --noEmit first); miniprogram-simulate needs a DOM (jsdom). wx.* is faked in tests/helpers/wx.ts. */
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  setupFiles: ['<rootDir>/tests/helpers/setup.ts'],
  testTimeout: 60000,
}

// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Orchestrators are replayed: anything non-deterministic or any I/O breaks replay. */
const orchestratorRules = {
  'no-restricted-globals': [
    'error',
    { name: 'process', message: 'Orchestrators must not read the environment.' },
    { name: 'setTimeout', message: 'Use context.df.createTimer in orchestrators.' },
    { name: 'setInterval', message: 'Use context.df.createTimer in orchestrators.' },
    { name: 'fetch', message: 'Do I/O in activities, not in orchestrators.' },
  ],
  // new Date(ms) is deterministic; only reading the wall clock is not.
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'Use context.df.currentUtcDateTime in orchestrators.',
    },
    {
      selector: "CallExpression[callee.name='Date']",
      message: 'Use context.df.currentUtcDateTime in orchestrators.',
    },
  ],
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use context.df.newGuid in orchestrators.' },
    { object: 'Date', property: 'now', message: 'Use context.df.currentUtcDateTime in orchestrators.' },
  ],
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['**/adapters/**', '**/adapters'],
          message: 'Orchestrators reach adapters only through activities.',
        },
        {
          group: ['node:*', 'fs', 'http', 'https', 'net', 'child_process', 'crypto'],
          message: 'No I/O in orchestrators.',
        },
        {
          group: ['**/config', '**/config.js'],
          message: 'Orchestrators must not read configuration directly.',
        },
      ],
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'coverage/**',
      'node_modules/**',
      '.azurite/**',
      'test/fixtures/apps/**/node_modules/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
  { files: ['orchestrations/**/*.ts'], rules: orchestratorRules },
  {
    // The dashboard runs in the browser: browser globals, no Node ones, and no HTML parsing of data.
    files: ['dashboard/**'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        history: 'readonly',
        fetch: 'readonly',
        URLSearchParams: 'readonly',
        HTMLElement: 'readonly',
        SVGElement: 'readonly',
        Node: 'readonly',
        Response: 'readonly',
      },
    },
    rules: {
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', '__dirname'],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(innerHTML|outerHTML)$/]',
          message: 'Build DOM with createElement/textContent (dashboard/dom.ts); never parse data as HTML.',
        },
        {
          selector: 'CallExpression[callee.property.name=/^(insertAdjacentHTML|write|writeln)$/]',
          message: 'Build DOM with createElement/textContent (dashboard/dom.ts); never parse data as HTML.',
        },
      ],
    },
  },
);
